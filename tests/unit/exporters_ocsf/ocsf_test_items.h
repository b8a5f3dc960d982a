// Export items as the agent makes them, for the format and sink tests.
#pragma once

#include <memory>
#include <string>

#include "exporters/core/export_item.h"

namespace apisensor::testing {

// 2026-11-23T10:00:00Z in nanoseconds.
inline constexpr uint64_t kT0Ns = 1'795'428'000'000'000'000ULL;

inline findings::Finding SampleFinding() {
  findings::Finding f;
  f.id = "a1b2c3d4e5f60718";
  f.type = "unauthenticated_access";
  f.severity = findings::Severity::kHigh;
  f.owasp = "API2:2023";
  f.title = "Unauthenticated call to an endpoint that requires authentication";
  f.description = "GET /users/{id} answered 200 to a request without credentials.";
  f.service = "users";
  f.endpoint = "GET /users/{id}";
  f.caller = "10.0.0.7";
  f.first_seen_ns = kT0Ns;
  f.last_seen_ns = kT0Ns;
  f.count = 1;
  f.evidence = {{"status", "200"}, {"token", "fp:3f2a9c"}, {"status", "204"}};
  return f;
}

inline exporters::ExchangeSummary SampleExchange() {
  exporters::ExchangeSummary s;
  s.time_ns = kT0Ns + 1'500'000;
  s.latency_ns = 12'000'000;
  s.service = "users";
  s.method = "GET";
  s.path = "/users/{id}";
  s.endpoint_state = "declared";
  s.host = "users.internal:8080";
  s.protocol = "http/1.1";
  s.tls = false;
  s.client_ip = "10.0.0.7";
  s.client_port = 51234;
  s.server_ip = "10.0.0.20";
  s.server_port = 8080;
  s.caller = "frontend";
  s.process = "users-svc";
  s.pid = 4242;
  s.user_agent = "curl/8.5.0";
  s.auth = "bearer";
  s.has_response = true;
  s.status = 200;
  s.request_body_bytes = 0;
  s.response_body_bytes = 321;
  return s;
}

inline exporters::ExportItemPtr Item(exporters::ExportItem item) {
  return std::make_shared<const exporters::ExportItem>(std::move(item));
}

}  // namespace apisensor::testing
