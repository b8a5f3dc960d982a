#include "exporters/json/exchange_json.h"

#include "exporters/json/rfc3339.h"
#include "exporters/json/utf8.h"

namespace apisensor::exporters {
namespace {

const char* EndName(http::ExchangeEnd end) {
  switch (end) {
    case http::ExchangeEnd::kComplete:
      return "complete";
    case http::ExchangeEnd::kNoResponse:
      return "no_response";
    case http::ExchangeEnd::kResponseLost:
      return "response_lost";
  }
  return "complete";
}

bool SameNameEarlier(const std::vector<http::Header>& headers, size_t i) {
  for (size_t j = 0; j < i; ++j) {
    if (headers[j].name == headers[i].name) return true;
  }
  return false;
}

}  // namespace

void ExchangeJsonWriter::String(std::string_view s) {
  const std::string_view valid = ValidUtf8(s, utf8_scratch_);
  // An empty view may carry a null pointer, which RapidJSON asserts against.
  writer_.String(valid.empty() ? "" : valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void ExchangeJsonWriter::Endpoint(const SocketAddress& address) {
  writer_.StartObject();
  writer_.Key("addr");
  char text[SocketAddress::kAddressTextSize];
  String(address.FormatAddress(text));
  writer_.Key("port");
  writer_.Uint(address.port);
  writer_.EndObject();
}

void ExchangeJsonWriter::Headers(const http::Message& message) {
  const std::vector<http::Header>& headers = message.headers;
  writer_.Key("headers");
  writer_.StartObject();
  for (size_t i = 0; i < headers.size(); ++i) {
    if (SameNameEarlier(headers, i)) continue;  // already joined into the first occurrence
    String(headers[i].name);
    // JSON objects with repeated keys are parsed differently by different readers; one member
    // with the values joined is what RFC 9110 §5.3 says a repeated field means.
    joined_headers_.assign(headers[i].value);
    bool repeated = false;
    for (size_t j = i + 1; j < headers.size(); ++j) {
      if (headers[j].name != headers[i].name) continue;
      joined_headers_.append(", ").append(headers[j].value);
      repeated = true;
    }
    String(repeated ? std::string_view(joined_headers_) : std::string_view(headers[i].value));
  }
  writer_.EndObject();
}

void ExchangeJsonWriter::MessageTail(const http::Message& message) {
  Headers(message);
  writer_.Key("body_size");
  writer_.Uint64(message.body_size);
  if (const http::Header* content_type = message.Find("content-type")) {
    writer_.Key("content_type");
    String(MediaType(content_type->value, media_type_scratch_));
  }
  if (message.headers_truncated) {
    writer_.Key("headers_truncated");
    writer_.Bool(true);
  }
  if (!message.body_complete) {
    writer_.Key("body_complete");
    writer_.Bool(false);
  }
}

void ExchangeJsonWriter::Request(const http::Request& request) {
  ParseRequestTarget(request.target, target_);
  writer_.StartObject();
  writer_.Key("method");
  String(request.method);
  if (const http::Header* host = request.Find("host")) {
    writer_.Key("host");
    String(host->value);
  } else if (!target_.authority.empty()) {
    writer_.Key("host");
    String(target_.authority);
  }
  writer_.Key("path");
  String(target_.path);
  writer_.Key("query");
  writer_.StartArray();
  for (std::string_view key : target_.query_keys) String(key);
  writer_.EndArray();
  MessageTail(request);
  writer_.EndObject();
}

void ExchangeJsonWriter::Response(const http::Response& response) {
  writer_.StartObject();
  writer_.Key("status");
  writer_.Uint(response.status);
  MessageTail(response);
  writer_.EndObject();
}

void ExchangeJsonWriter::Append(const ExchangeRecord& record, std::string& out) {
  buffer_.Clear();
  writer_.Reset(buffer_);

  writer_.StartObject();
  writer_.Key("ts");
  char ts[kRfc3339NanosSize];
  const std::string_view ts_text = FormatRfc3339Nanos(record.ts_unix_ns, ts);
  writer_.String(ts_text.data(), static_cast<rapidjson::SizeType>(ts_text.size()));
  writer_.Key("latency_ns");
  writer_.Uint64(record.latency_ns);
  writer_.Key("role");
  writer_.String(RoleName(record.role));
  writer_.Key("protocol");
  String(record.protocol != nullptr ? record.protocol : "");
  writer_.Key("tls");
  writer_.Bool(record.tls);
  writer_.Key("end");
  writer_.String(EndName(record.http.end));
  writer_.Key("pid");
  writer_.Uint(record.process.pid);
  writer_.Key("comm");
  String(record.process.comm);
  writer_.Key("cgroup_id");
  writer_.Uint64(record.process.cgroup_id);
  writer_.Key("local");
  Endpoint(record.local);
  writer_.Key("remote");
  Endpoint(record.remote);
  writer_.Key("request");
  Request(record.http.request);
  writer_.Key("response");
  if (record.http.response) {
    Response(*record.http.response);
  } else {
    writer_.Null();
  }
  writer_.EndObject();

  out.append(buffer_.GetString(), buffer_.GetSize());
  out += '\n';
}

}  // namespace apisensor::exporters
