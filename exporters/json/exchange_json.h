// One exchange record as one line of JSON: the `apisensor trace` output and the JSON-lines
// exporter. Header values arrive already redacted; body samples are never written, so nothing
// read from a body leaves the agent through this format.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "agent/exchange/exchange_record.h"
#include "agent/exchange/request_target.h"

namespace apisensor::exporters {

class ExchangeJsonWriter {
 public:
  ExchangeJsonWriter() = default;
  ExchangeJsonWriter(const ExchangeJsonWriter&) = delete;
  ExchangeJsonWriter& operator=(const ExchangeJsonWriter&) = delete;

  // Appends exactly one JSON object and '\n' to `out`. Always valid JSON and UTF-8, whatever
  // bytes the record holds. After the first few records, allocates only when `out` grows.
  void Append(const ExchangeRecord& record, std::string& out);

 private:
  using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

  void String(std::string_view s);
  void Endpoint(const SocketAddress& address);
  void Request(const http::Request& request);
  void Response(const http::Response& response);
  void MessageTail(const http::Message& message);  // headers, sizes, type and flags
  void Headers(const http::Message& message);

  // Reused across records: the buffer, the writer's nesting stack and the scratch strings keep
  // their capacity, so steady output does not touch the heap.
  rapidjson::StringBuffer buffer_;
  Writer writer_{buffer_};
  RequestTarget target_;
  std::string utf8_scratch_;
  std::string joined_headers_;
  std::string media_type_scratch_;
};

}  // namespace apisensor::exporters
