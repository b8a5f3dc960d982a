// Protocol messages as an agent sends them, built from the inventory's own types (the endpoint
// aggregates in the inventory codec), for the collector's tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "agent/findings/finding.h"
#include "agent/inventory/endpoint_codec.h"
#include "agent/inventory/endpoint_stats.h"
#include "apisensor/collector/v1/collector.pb.h"

namespace apisensor::collector::testing {

inline constexpr uint64_t kT0 = 1'800'000'000'000'000'000ULL;  // 2027, in ns
inline constexpr uint64_t kSecond = 1'000'000'000ULL;

// What one node saw of an endpoint: `requests` calls between first and last, `errors` of them
// answered 500, all from `caller`, each taking 1 ms.
struct Seen {
  uint64_t requests = 0;
  uint64_t errors = 0;
  uint64_t first_ns = 0;
  uint64_t last_ns = 0;
  std::string caller = "10.0.0.9";
};

inline inventory::EndpointStats StatsOf(const Seen& seen) {
  inventory::EndpointStats s;
  s.requests = seen.requests;
  s.first_seen_ns = seen.first_ns;
  s.last_seen_ns = seen.last_ns;
  if (seen.requests > seen.errors) s.AddStatus(200, seen.requests - seen.errors);
  if (seen.errors > 0) s.AddStatus(500, seen.errors);
  s.protocols.Add("http/1.1", seen.requests);
  for (uint64_t i = 0; i < seen.requests; ++i) s.latency.Add(1'000'000);
  s.callers.Add(seen.caller, seen.requests);
  s.request.messages = seen.requests;
  s.response.messages = seen.requests;
  s.response.body_bytes = 100 * seen.requests;
  return s;
}

inline std::string EndpointId(const std::string& method, const std::string& path) {
  return "orders|" + method + "|" + path;
}

inline void AddEndpoint(v1::Batch& batch, const std::string& method, const std::string& path,
                        const Seen& seen, const std::string& state = "shadow") {
  v1::Endpoint* e = batch.add_endpoints();
  e->set_id(EndpointId(method, path));
  e->set_service("orders");
  e->set_method(method);
  e->set_path(path);
  e->set_state(state);
  e->set_stats_codec_version(inventory::kEndpointCodecVersion);
  e->set_stats(inventory::EncodeEndpointStats(StatsOf(seen)));
}

inline void AddService(v1::Batch& batch, const std::string& host, uint64_t requests,
                       uint64_t first_ns, uint64_t last_ns) {
  v1::Service* s = batch.add_services();
  s->set_name("orders");
  s->set_kind("local");
  s->set_process("orders-api");
  s->set_port(8080);
  s->add_hosts(host);
  s->set_requests(requests);
  s->set_first_seen_unix_ns(first_ns);
  s->set_last_seen_unix_ns(last_ns);
  s->add_specs("orders.yaml");
}

inline std::string FindingIdOf(const std::string& caller) {
  return findings::FindingId("unauthenticated_access", "orders", "GET /debug", caller);
}

inline void AddFinding(v1::Batch& batch, const std::string& caller, uint64_t count,
                       uint64_t first_ns, uint64_t last_ns, const std::string& evidence = "") {
  v1::Finding* f = batch.add_findings();
  f->set_id(FindingIdOf(caller));
  f->set_type("unauthenticated_access");
  f->set_severity(v1::SEVERITY_HIGH);
  f->set_owasp("API2:2023");
  f->set_title("Unauthenticated access");
  f->set_service("orders");
  f->set_endpoint("GET /debug");
  f->set_caller(caller);
  f->set_first_seen_unix_ns(first_ns);
  f->set_last_seen_unix_ns(last_ns);
  f->set_count(count);
  if (!evidence.empty()) {
    v1::Evidence* e = f->add_evidence();
    e->set_key("authorization");
    e->set_value(evidence);
  }
}

inline void SetWorkload(v1::Workload& w, const std::string& ns, const std::string& name,
                        const std::string& kind) {
  w.set_namespace_name(ns);
  w.set_name(name);
  w.set_kind(kind);
}

inline void AddExchanges(v1::Batch& batch, int n) {
  for (int i = 0; i < n; ++i) {
    v1::Exchange* x = batch.add_exchanges();
    x->set_time_unix_ns(kT0 + static_cast<uint64_t>(i));
    x->set_service("orders");
    x->set_method("GET");
    x->set_path("/orders/{id}");
    x->set_status(200);
    x->set_has_response(true);
  }
}

inline void SetHeartbeat(v1::Batch& batch, uint64_t time_ns, const std::string& version,
                         uint64_t batches_dropped, uint64_t items_dropped,
                         std::vector<std::pair<std::string, uint64_t>> counters = {}) {
  v1::Heartbeat* h = batch.mutable_heartbeat();
  h->set_time_unix_ns(time_ns);
  h->set_version(version);
  h->set_batches_dropped(batches_dropped);
  h->set_items_dropped(items_dropped);
  h->set_queued_batches(3);
  for (auto& [name, value] : counters) {
    v1::Counter* c = h->add_counters();
    c->set_name(name);
    c->set_value(value);
  }
}

inline v1::Batch MakeBatch(uint64_t sequence, bool full_snapshot = false) {
  v1::Batch b;
  b.set_sequence(sequence);
  b.set_full_snapshot(full_snapshot);
  return b;
}

inline v1::Hello MakeHello(const std::string& agent_id, uint64_t instance_id,
                           const std::string& version = "1.2.3") {
  v1::Hello h;
  h.set_agent_id(agent_id);
  h.set_instance_id(instance_id);
  h.set_node(agent_id + ".cluster.local");
  h.set_version(version);
  h.set_schema_version(1);
  return h;
}

}  // namespace apisensor::collector::testing
