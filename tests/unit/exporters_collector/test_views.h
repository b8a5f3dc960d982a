// Synthetic inventory data for the collector client's tests: endpoint views with real
// aggregates, services, findings, and exchanges as the pipeline hands them over.
#pragma once

#include <arpa/inet.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/exchange/exchange_record.h"
#include "agent/findings/finding.h"
#include "agent/inventory/inventory.h"
#include "agent/inventory/inventory_listener.h"
#include "agent/inventory/views.h"

namespace apisensor::testing {

inline constexpr uint64_t kT0 = 1'800'000'000'000'000'000ULL;  // 2027, in ns
inline constexpr uint64_t kSecond = 1'000'000'000ULL;

inline std::shared_ptr<const inventory::EndpointView> MakeEndpoint(const std::string& path,
                                                                   uint64_t requests) {
  auto e = std::make_shared<inventory::EndpointView>();
  e->service = "orders";
  e->method = "GET";
  e->path = path;
  e->id = "id:" + path;
  e->state = inventory::EndpointState::kShadow;
  e->stats.requests = requests;
  e->stats.first_seen_ns = kT0;
  e->stats.last_seen_ns = kT0 + requests;
  e->stats.AddStatus(200, requests - requests / 4);
  if (requests / 4 > 0) e->stats.AddStatus(404, requests / 4);
  e->stats.protocols.Add("http/1.1", requests);
  for (uint64_t i = 0; i < requests && i < 50; ++i) e->stats.latency.Add(1'000'000 * (i + 1));
  e->stats.callers.Add("10.0.0.9", requests);
  return e;
}

inline inventory::ServiceView MakeService(uint64_t requests) {
  inventory::ServiceView s;
  s.name = "orders";
  s.kind = inventory::ServiceKind::kLocal;
  s.process = "orders-api";
  s.port = 8080;
  s.hosts.Add("orders.internal", requests);
  s.requests = requests;
  s.first_seen_ns = kT0;
  s.last_seen_ns = kT0 + requests;
  s.specs = {"orders.yaml"};
  return s;
}

inline findings::Finding MakeFinding(const std::string& endpoint, uint64_t count) {
  findings::Finding f;
  f.type = "shadow_endpoint";
  f.service = "orders";
  f.endpoint = endpoint;
  f.caller = "10.0.0.9";
  f.id = findings::FindingId(f.type, f.service, f.endpoint, f.caller);
  f.severity = findings::Severity::kMedium;
  f.owasp = "API9:2023";
  f.title = "Shadow endpoint";
  f.first_seen_ns = kT0;
  f.last_seen_ns = kT0 + count;
  f.count = count;
  f.evidence = {{"authorization", "fp:0123abcd"}};
  return f;
}

inline ExchangeRecord MakeRecord(uint64_t ts, uint16_t status) {
  ExchangeRecord r;
  r.ts_unix_ns = ts;
  r.latency_ns = 2'000'000;
  r.role = Role::kServer;
  r.process.comm = "orders-api";
  r.process.pid = 4242;
  r.local.family = AF_INET;
  r.local.port = 8080;
  inet_pton(AF_INET, "10.0.0.5", r.local.addr.data());
  r.remote.family = AF_INET;
  r.remote.port = 40000;
  inet_pton(AF_INET, "10.0.0.9", r.remote.addr.data());
  r.http.request.method = "GET";
  r.http.request.target = "/orders/17";
  r.http.request.headers = {{"host", "orders.internal"}, {"user-agent", "curl/8"}};
  r.http.request.body_size = 0;
  http::Response response;
  response.status = status;
  response.body_size = 321;
  r.http.response = std::move(response);
  return r;
}

inline inventory::ObservedEndpoint MakeObserved() {
  inventory::ObservedEndpoint o;
  o.service = "orders";
  o.method = "GET";
  o.path = "/orders/{id}";
  o.state = inventory::EndpointState::kShadow;
  o.caller = "10.0.0.9";
  return o;
}

// One publish's worth of changes, owning what inventory::Published points into.
struct PublishFixture {
  inventory::InventoryView view;
  std::vector<std::shared_ptr<const inventory::EndpointView>> changed;
  std::vector<std::string> removed;
  std::vector<findings::Finding> findings;

  inventory::Published At(uint64_t now) const {
    return inventory::Published{view, changed, removed, findings, now};
  }
};

}  // namespace apisensor::testing
