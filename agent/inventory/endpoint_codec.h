// The store's lossless encoding of an endpoint's aggregates: JSON text holding the counts,
// sketch buckets and schema counts, so a restarted agent (or the collector) resumes exactly where
// it stopped. Decoding is defensive: a row from a damaged or newer database is refused, never
// trusted.
#pragma once

#include <string>
#include <string_view>

#include "agent/inventory/endpoint_stats.h"
#include "agent/inventory/views.h"

namespace apisensor::inventory {

inline constexpr int kEndpointCodecVersion = 1;

std::string EncodeEndpointStats(const EndpointStats& stats);
// False (and `out` untouched) when `text` is not a version this build understands.
bool DecodeEndpointStats(std::string_view text, const schema::SchemaLimits& limits,
                         EndpointStats& out);

std::string EncodeCountedNames(const CountedNames& names);
bool DecodeCountedNames(std::string_view text, CountedNames& out);

}  // namespace apisensor::inventory
