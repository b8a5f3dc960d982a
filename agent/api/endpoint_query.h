// Filters and paging of GET /v1/endpoints (and `apisensor endpoints`), parsed from query
// parameters with one clear sentence for a bad value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "agent/inventory/views.h"
#include "agent/secrets/auth_observation.h"
#include "agent/sensitive/scanner.h"

namespace apisensor::api {

struct EndpointQuery {
  static constexpr size_t kMaxLimit = 1000;

  std::optional<std::string> service;
  std::optional<std::string> method;
  std::optional<inventory::EndpointState> state;  // ?state= or ?status= (the name)
  std::optional<secrets::AuthKind> auth;          // endpoints where this kind was seen
  std::optional<sensitive::Kind> sensitive;       // seen in requests or responses
  uint64_t since_ns = 0;                          // last_seen at or after
  size_t limit = 100;
  size_t offset = 0;
};

// Parses `params` (name → value, as the HTTP server gives them). Returns an error sentence for an
// unknown filter value, never a partial query.
std::optional<std::string> ParseEndpointQuery(const std::multimap<std::string, std::string>& params,
                                              EndpointQuery& out);

bool Matches(const EndpointQuery& query, const inventory::EndpointView& endpoint);

// "2026-11-23T10:00:00Z" (fractions and offsets allowed) or seconds since the epoch.
std::optional<uint64_t> ParseTimeNs(const std::string& text);

}  // namespace apisensor::api
