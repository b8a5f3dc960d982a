// Immutable pictures of the inventory, published by the pipeline thread about once a second and
// read by the query API, the OpenAPI writer and the store without any lock on the hot path. An
// endpoint that did not change keeps its previous view object, so a publish copies only what
// moved.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/inventory/counted_names.h"
#include "agent/inventory/endpoint_stats.h"
#include "agent/inventory/service_identity.h"

namespace apisensor::inventory {

// declared: in the current spec version; shadow: observed, not declared; zombie: called though
// deprecated or present only in an older spec version; unused: declared, not observed within the
// retention window.
enum class EndpointState : uint8_t { kDeclared, kShadow, kZombie, kUnused };
std::string_view EndpointStateName(EndpointState state);
bool EndpointStateFromName(std::string_view name, EndpointState& out);

struct DeclaredInfo {
  bool deprecated = false;  // the current spec marks it deprecated
  bool removed = false;     // only an older spec version has it
  bool secured = false;     // the spec requires a credential
  std::string operation_id;
  std::string spec;  // source file of the spec that declares it
};

struct EndpointView {
  std::string id;  // StableId(service, method, path)
  std::string service;
  std::string method;
  std::string path;           // the template
  k8s::WorkloadIdentity k8s;  // the service's workload, when Kubernetes attribution knows it
  EndpointState state = EndpointState::kShadow;
  DeclaredInfo declared;  // meaningful unless state is shadow
  EndpointStats stats;
};

struct ServiceView {
  std::string name;
  ServiceKind kind = ServiceKind::kLocal;
  std::string process;
  uint16_t port = 0;
  k8s::WorkloadIdentity k8s;  // what a `namespace/workload` name names
  CountedNames hosts{16};
  uint64_t endpoints = 0;          // observed endpoints
  uint64_t endpoints_dropped = 0;  // exchanges whose new endpoint exceeded the cap
  uint64_t requests = 0;
  uint64_t first_seen_ns = 0;
  uint64_t last_seen_ns = 0;
  std::vector<std::string> specs;  // sources of the specs bound to it
};

struct InventoryStats {
  uint64_t exchanges_observed = 0;
  uint64_t exchanges_unattributed = 0;  // no role: no service to put them in
  uint64_t services_dropped = 0;        // exchanges of new services beyond the service cap
  uint64_t endpoints_dropped = 0;       // exchanges of new endpoints beyond a service's cap
  uint64_t endpoints_rekeyed = 0;       // endpoints folded into a template learned later
  uint64_t bodies_scanned = 0;
  uint64_t schema_samples = 0;
  uint64_t findings_reported = 0;
};

struct InventoryView {
  uint64_t published_ns = 0;
  // Observed endpoints and the declared ones never seen (state unused), sorted by service, path
  // and method.
  std::vector<std::shared_ptr<const EndpointView>> endpoints;
  std::vector<ServiceView> services;  // sorted by name
  InventoryStats stats;
  uint64_t memory_bytes = 0;  // approximate, of the live inventory
};

}  // namespace apisensor::inventory
