#include "agent/detectors/finding_builder.h"

#include <string>

#include "agent/text/ascii_case.h"

namespace apisensor::detectors {

bool IsSuccess(const ExchangeRecord& record) {
  return record.http.response && record.http.response->status >= 200 &&
         record.http.response->status < 300;
}

bool IsPrivilegedPath(std::string_view path, const std::vector<std::string>& segments) {
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    for (const std::string& privileged : segments) {
      if (text::EqualsIgnoreAsciiCase(segment, privileged)) return true;
    }
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return false;
}

void EndpointKey(const inventory::ObservedEndpoint& endpoint, std::string& key) {
  key.assign(endpoint.service);
  key.push_back(' ');
  key.append(endpoint.method);
  key.push_back(' ');
  key.append(endpoint.path);
}

findings::Finding StartFinding(std::string_view type, findings::Severity severity,
                               std::string_view owasp, std::string_view title,
                               std::string_view description, const ExchangeRecord& record,
                               const inventory::ObservedEndpoint& endpoint) {
  findings::Finding f;
  f.type = type;
  f.severity = severity;
  f.owasp = owasp;
  f.title = title;
  f.description = description;
  f.service = endpoint.service;
  f.endpoint = std::string(endpoint.method) + " " + std::string(endpoint.path);
  f.caller = endpoint.caller;
  if (endpoint.service_k8s != nullptr) f.k8s = *endpoint.service_k8s;
  if (endpoint.caller_k8s != nullptr) f.caller_k8s = *endpoint.caller_k8s;
  f.id = findings::FindingId(f.type, f.service, f.endpoint, f.caller);
  f.first_seen_ns = f.last_seen_ns = record.ts_unix_ns;
  f.evidence.emplace_back("request", f.endpoint);
  f.evidence.emplace_back(
      "status", record.http.response ? std::to_string(record.http.response->status) : "none");
  f.evidence.emplace_back("tls", record.tls ? "true" : "false");
  if (const http::Header* ua = record.http.request.Find("user-agent")) {
    f.evidence.emplace_back("user_agent", ua->value.substr(0, 128));
  }
  return f;
}

}  // namespace apisensor::detectors
