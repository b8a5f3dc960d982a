#include "exporters/formats/ocsf/exchange_event.h"

#include <optional>
#include <string>
#include <string_view>

#include "agent/text/host_port.h"
#include "exporters/formats/ocsf/http_methods.h"

namespace apisensor::exporters::ocsf {
namespace {

constexpr EventClass kApiActivity = {6003, "API Activity", 6, "Application Activity"};
constexpr EventClass kHttpActivity = {4002, "HTTP Activity", 4, "Network Activity"};

// The Host header split into name and port: "api.example.com:8443", "[::1]:80", "10.0.0.1".
struct HostPort {
  std::string_view name;
  uint16_t port = 0;
};

HostPort SplitHost(std::string_view host) {
  const std::optional<text::HostPortParts> split = text::SplitHostPort(host);
  if (!split) return {host, 0};
  return {split->host, text::ParsePort(split->port).value_or(0)};
}

// "HTTP/1.1", "HTTP/2": OCSF's http_request.version.
std::string HttpVersion(std::string_view protocol) {
  if (protocol == "h2" || protocol == "grpc") return "HTTP/2";
  std::string out(protocol);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

void WriteEndpoint(JsonOut& out, std::string_view key, std::string_view ip, uint16_t port,
                   std::string_view name, std::string_view hostname, std::string_view svc_name) {
  out.StartObject(key);
  if (IsIpAddress(ip)) out.Member("ip", ip);
  if (port != 0) out.IntMember("port", port);
  out.MemberIfSet("name", name);
  out.MemberIfSet("hostname", hostname);
  out.MemberIfSet("svc_name", svc_name);
  out.EndObject();
}

void WriteHttpRequest(JsonOut& out, const ExchangeSummary& s, const HostPort& host) {
  out.StartObject("http_request");
  // Only the methods OCSF enumerates; any other token stays in unmapped.method.
  if (HttpActivityForMethod(s.method)) out.Member("http_method", s.method);
  out.StartObject("url");
  out.Member("path", s.path);  // the endpoint template: raw paths can carry ids and tokens
  out.MemberIfSet("hostname", host.name);
  const uint16_t port = host.port != 0 ? host.port : s.server_port;
  if (port != 0) out.IntMember("port", port);
  out.Member("scheme", s.tls ? "https" : "http");
  out.EndObject();
  out.MemberIfSet("user_agent", s.user_agent);
  out.MemberIfSet("version", HttpVersion(s.protocol));
  out.Int32Member("body_length", s.request_body_bytes);
  out.EndObject();
}

void WriteHttpResponse(JsonOut& out, const ExchangeSummary& s) {
  out.StartObject("http_response");
  out.IntMember("code", s.status);
  out.Int32Member("body_length", s.response_body_bytes);
  out.Int32Member("latency", s.latency_ns / 1'000'000);
  out.EndObject();
}

// What OCSF has no attribute for in these classes.
void WriteUnmapped(JsonOut& out, const ExchangeSummary& s) {
  out.StartObject("unmapped");
  out.MemberIfSet("service", s.service);
  out.MemberIfSet("method", s.method);
  out.MemberIfSet("endpoint_state", s.endpoint_state);
  out.MemberIfSet("protocol", s.protocol);
  out.BoolMember("tls", s.tls);
  out.MemberIfSet("auth", s.auth);
  out.MemberIfSet("process", s.process);
  if (s.pid != 0) out.IntMember("pid", s.pid);
  out.EndObject();
}

}  // namespace

void WriteExchangeEvent(JsonOut& out, const ExchangeSummary& s, ExchangeClass event_class,
                        const FormatOptions& options) {
  const bool api = event_class == ExchangeClass::kApiActivity;
  EnumValue activity = api ? ApiActivityForMethod(s.method)
                           : HttpActivityForMethod(s.method).value_or(EnumValue{99, "Other"});
  if (activity.id == 99 && !s.method.empty()) activity.caption = s.method;  // the source's word

  out.StartObject();
  WriteClassification(out, api ? kApiActivity : kHttpActivity, activity);
  out.IntMember("severity_id", 1);
  out.Member("severity", "Informational");
  const std::string operation = s.method + " " + s.path;
  if (s.has_response) {
    const bool ok = s.status < 400;
    out.IntMember("status_id", ok ? 1 : 2);
    out.Member("status", ok ? "Success" : "Failure");
    out.Member("status_code", std::to_string(s.status));
    out.Member("message", operation + " " + std::to_string(s.status));
  } else {
    out.Member("message", operation + " (no response)");
  }
  out.IntMember("time", NsToMs(s.time_ns));
  if (s.has_response) {
    out.IntMember("start_time", NsToMs(s.time_ns));
    out.IntMember("end_time", NsToMs(s.time_ns + s.latency_ns));
    out.IntMember("duration", static_cast<int64_t>(s.latency_ns / 1'000'000));
  }
  out.IntMember("timezone_offset", 0);
  const bool device = !options.hostname.empty();
  WriteMetadata(out, options, "exchanges", {}, /*host_profile=*/device);
  WriteDevice(out, options);

  const HostPort host = SplitHost(s.host);
  WriteEndpoint(out, "src_endpoint", s.client_ip, s.client_port, s.caller, {}, {});
  WriteEndpoint(out, "dst_endpoint", s.server_ip, s.server_port, {}, host.name, s.service);
  WriteHttpRequest(out, s, host);
  if (s.has_response) WriteHttpResponse(out, s);

  if (api) {
    out.StartObject("actor");  // required: who called, as the inventory names the caller
    out.MemberIfSet("app_name", s.caller);
    out.EndObject();
    out.StartObject("api");
    out.Member("operation", operation);
    if (!s.service.empty()) {
      out.StartObject("service");
      out.Member("name", s.service);
      out.EndObject();
    }
    if (s.has_response) {
      out.StartObject("response");
      out.IntMember("code", s.status);
      out.EndObject();
    }
    out.EndObject();
  } else {
    if (s.has_response) out.IntMember("http_status", s.status);
    out.MemberIfSet("app_name", s.service);
  }
  WriteUnmapped(out, s);
  out.EndObject();
}

}  // namespace apisensor::exporters::ocsf
