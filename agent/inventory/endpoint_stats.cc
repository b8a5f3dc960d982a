#include "agent/inventory/endpoint_stats.h"

#include <algorithm>

namespace apisensor::inventory {

void DirectionStats::Merge(const DirectionStats& other) {
  messages += other.messages;
  body_bytes += other.body_bytes;
  max_body_bytes = std::max(max_body_bytes, other.max_body_bytes);
  content_types.Merge(other.content_types);
  schema.Merge(other.schema);
  sensitive.Merge(other.sensitive);
}

void EndpointStats::AddStatus(uint16_t status, uint64_t n) {
  auto it = std::lower_bound(status_codes.begin(), status_codes.end(), status,
                             [](const StatusCount& s, uint16_t v) { return s.status < v; });
  if (it != status_codes.end() && it->status == status) {
    it->count += n;
  } else if (status_codes.size() < kMaxStatusCodes) {
    status_codes.insert(it, StatusCount{status, n});
  } else {
    status_overflow += n;
  }
}

void EndpointStats::Merge(const EndpointStats& other) {
  if (other.requests == 0 && other.first_seen_ns == 0) return;
  requests += other.requests;
  first_seen_ns =
      first_seen_ns == 0
          ? other.first_seen_ns
          : std::min(first_seen_ns, other.first_seen_ns == 0 ? first_seen_ns : other.first_seen_ns);
  last_seen_ns = std::max(last_seen_ns, other.last_seen_ns);
  for (const StatusCount& s : other.status_codes) AddStatus(s.status, s.count);
  status_overflow += other.status_overflow;
  tls += other.tls;
  partial += other.partial;
  protocols.Merge(other.protocols);
  grpc_status.Merge(other.grpc_status);
  latency.Merge(other.latency);
  request.Merge(other.request);
  response.Merge(other.response);
  for (size_t i = 0; i < auth.size(); ++i) auth[i] += other.auth[i];
  auth_carriers.Merge(other.auth_carriers);
  jwt_algs.Merge(other.jwt_algs);
  jwt_issuers.Merge(other.jwt_issuers);
  query_params.Merge(other.query_params);
  callers.Merge(other.callers);
}

double EndpointStats::unauthenticated_share() const {
  if (requests == 0) return 0;
  return static_cast<double>(unauthenticated()) / static_cast<double>(requests);
}

uint64_t EndpointStats::CountInClass(int hundreds) const {
  uint64_t n = 0;
  for (const StatusCount& s : status_codes) {
    if (s.status / 100 == hundreds) n += s.count;
  }
  return n;
}

size_t EndpointStats::MemoryBytes() const {
  return sizeof(*this) + status_codes.capacity() * sizeof(StatusCount) + protocols.MemoryBytes() +
         grpc_status.MemoryBytes() + latency.MemoryBytes() + request.content_types.MemoryBytes() +
         response.content_types.MemoryBytes() + request.schema.MemoryBytes() +
         response.schema.MemoryBytes() + auth_carriers.MemoryBytes() + jwt_algs.MemoryBytes() +
         jwt_issuers.MemoryBytes() + query_params.MemoryBytes() + callers.MemoryBytes();
}

}  // namespace apisensor::inventory
