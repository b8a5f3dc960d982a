// One exchange record as one line of JSON: the `apisensor trace` output and the JSON-lines
// exporter. Header values arrive already redacted; body samples are never written, so nothing
// read from a body leaves the agent through this format.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
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

  // The same line appended to the writer's own buffer, which keeps every line since the last
  // ClearBuffered(): a buffered output writes them from there instead of copying each line.
  void AppendBuffered(const ExchangeRecord& record);
  std::string_view buffered() const { return {line_.get(), size_}; }
  void ClearBuffered() { size_ = 0; }

 private:
  // The fields are fixed, so a general JSON writer's per-character key escaping and nesting
  // bookkeeping buy nothing: keys are copied, and only data strings are escaped (and checked for
  // UTF-8 in the same pass). Text is written through a plain pointer, each piece making room for
  // its worst case first, so a key or a value costs one capacity check.
  void WriteRecord(const ExchangeRecord& record);  // the whole line, or nothing if it throws
  void WriteFields(const ExchangeRecord& record);
  void StartObject();
  void EndObject();
  void StartArray();
  void EndArray();
  // `,"key":` for a key known to need no escaping. Inline, so that for the literal every caller
  // passes the copy has a constant size.
  void Key(std::string_view plain_key) {
    char* p = Room(plain_key.size() + 4);
    *p = ',';
    p += need_comma_ ? 1 : 0;
    *p++ = '"';
    std::memcpy(p, plain_key.data(), plain_key.size());
    p += plain_key.size();
    *p++ = '"';
    *p++ = ':';
    End(p);
    need_comma_ = false;
  }
  void String(std::string_view s);       // any bytes: escaped, invalid UTF-8 replaced
  void PlainString(std::string_view s);  // a value known to need no escaping
  void Uint64(uint64_t value);
  void Int64(int64_t value);
  void Bool(bool value);
  void Null();
  void Integer(std::integral auto value);
  void Literal(std::string_view text);  // true, false, null
  // Where to write up to `n` more bytes of the line; End() records how far they went.
  char* Room(size_t n) {
    if (capacity_ - size_ < n) Grow(n);
    return line_.get() + size_;
  }
  void End(char* p) { size_ = static_cast<size_t>(p - line_.get()); }
  void Grow(size_t n);
  // The ',' a value needs after an earlier member or element, written at `p`.
  char* Separator(char* p) {
    *p = ',';
    p += need_comma_ ? 1 : 0;
    need_comma_ = true;
    return p;
  }
  void Put(char c);

  void Endpoint(const SocketAddress& address);
  void Request(const http::Request& request);
  void Response(const http::Response& response);
  void Grpc(const http::Grpc& grpc, std::string_view path);
  void GrpcShape(std::string_view key, const http::GrpcMessages& messages);
  void Auth(const secrets::AuthObservation& auth);
  void K8s(const K8sIdentity& k8s);
  void NonEmpty(std::string_view plain_key, std::string_view value);  // skipped when empty
  void MessageTail(const http::Message& message);  // headers, sizes, type and flags
  // Writes `headers` as a JSON object, repeated names joined.
  void Headers(const std::vector<http::Header>& headers);

  std::unique_ptr<char[]> line_;
  size_t capacity_ = 0;
  size_t size_ = 0;
  bool need_comma_ = false;  // a member or element was written at the current level
  // Reused across records, so steady output does not touch the heap.
  RequestTarget target_;
  std::string media_type_scratch_;
};

}  // namespace apisensor::exporters
