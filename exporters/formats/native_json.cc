#include "exporters/formats/native_json.h"

#include "agent/api/inventory_json.h"

namespace apisensor::exporters {
namespace {

void WriteSummary(api::JsonWriter& w, const ExchangeSummary& s) {
  auto text = [&w](const char* key, std::string_view value) {
    w.Key(key);
    api::WriteString(w, value);
  };
  w.Key("time");
  api::WriteTime(w, s.time_ns);
  w.Key("latency_ms");
  w.Double(static_cast<double>(s.latency_ns) / 1e6);
  text("service", s.service);
  text("method", s.method);
  text("path", s.path);
  text("endpoint_state", s.endpoint_state);
  text("host", s.host);
  text("protocol", s.protocol);
  w.Key("tls");
  w.Bool(s.tls);
  text("client_ip", s.client_ip);
  w.Key("client_port");
  w.Uint(s.client_port);
  text("server_ip", s.server_ip);
  w.Key("server_port");
  w.Uint(s.server_port);
  text("caller", s.caller);
  api::WriteWorkload(w, "k8s", s.k8s);
  api::WriteWorkload(w, "caller_k8s", s.caller_k8s);
  text("process", s.process);
  w.Key("pid");
  w.Uint(s.pid);
  text("user_agent", s.user_agent);
  text("auth", s.auth);
  if (s.has_response) {
    w.Key("status");
    w.Uint(s.status);
  }
  w.Key("request_body_bytes");
  w.Uint64(s.request_body_bytes);
  w.Key("response_body_bytes");
  w.Uint64(s.response_body_bytes);
}

}  // namespace

bool NativeJsonFormatter::Format(const ExportItem& item, std::string& out) {
  rapidjson::StringBuffer buffer;
  api::JsonWriter w(buffer);
  w.StartObject();
  w.Key("kind");
  if (const auto* finding = std::get_if<findings::Finding>(&item)) {
    w.String("finding");
    api::WriteFindingFields(w, *finding);
  } else {
    w.String("exchange");
    WriteSummary(w, std::get<ExchangeSummary>(item));
  }
  w.EndObject();
  out.append(buffer.GetString(), buffer.GetSize());
  return true;
}

}  // namespace apisensor::exporters
