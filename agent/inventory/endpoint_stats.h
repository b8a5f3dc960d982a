// Everything the inventory learns about one endpoint (service, method, path template), as
// mergeable aggregates: merging the stats of two nodes, or of two templates folded into one, gives
// the stats of all their exchanges. Values of bodies, queries and credentials are never held:
// only shapes, kinds, names and counts.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/inventory/counted_names.h"
#include "agent/inventory/latency_sketch.h"
#include "agent/schema/inferred_schema.h"
#include "agent/secrets/auth_observation.h"
#include "agent/sensitive/scanner.h"

namespace apisensor::inventory {

struct StatusCount {
  uint16_t status = 0;  // 0: no response (the connection ended or the response was lost)
  uint64_t count = 0;
  bool operator==(const StatusCount&) const = default;
};

struct DirectionStats {
  uint64_t messages = 0;  // messages of this direction seen (responses: those that arrived)
  uint64_t body_bytes = 0;
  uint64_t max_body_bytes = 0;
  CountedNames content_types{8};
  schema::InferredSchema schema;
  sensitive::KindSet sensitive;

  void Merge(const DirectionStats& other);
};

struct EndpointStats {
  static constexpr size_t kMaxStatusCodes = 32;  // distinct codes; beyond, counted in overflow

  uint64_t requests = 0;
  uint64_t first_seen_ns = 0;  // wall clock, ns since the epoch
  uint64_t last_seen_ns = 0;
  std::vector<StatusCount> status_codes;  // sorted by status
  uint64_t status_overflow = 0;
  uint64_t tls = 0;      // requests seen over TLS
  uint64_t partial = 0;  // exchanges some of whose headers could not be decoded
  CountedNames protocols{4};
  CountedNames grpc_status{17};  // grpc-status codes as text; "" when absent
  LatencySketch latency;         // of exchanges that got a response
  DirectionStats request;
  DirectionStats response;
  std::array<uint64_t, secrets::kAuthKindCount> auth{};  // requests per credential kind
  CountedNames auth_carriers{8};  // header / query / cookie names that carried credentials
  CountedNames jwt_algs{4};
  CountedNames jwt_issuers{8};
  CountedNames query_params{32};
  TopCallers callers{16};

  void AddStatus(uint16_t status, uint64_t n = 1);
  void Merge(const EndpointStats& other);

  uint64_t unauthenticated() const { return auth[static_cast<size_t>(secrets::AuthKind::kNone)]; }
  // Share of requests that carried no credential, 0..1; 0 for an endpoint never called.
  double unauthenticated_share() const;
  // Status class counts, e.g. how many 2xx.
  uint64_t CountInClass(int hundreds) const;
  size_t MemoryBytes() const;
};

}  // namespace apisensor::inventory
