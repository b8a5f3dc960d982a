// Fuzzes what the inventory reads back from its store and from API queries: an endpoint's stored
// figures (a damaged or hostile database row) and time filters. Decoding must refuse or succeed,
// never crash; what it accepts must encode back and decode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/api/endpoint_query.h"
#include "agent/inventory/endpoint_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  apisensor::inventory::EndpointStats stats;
  if (apisensor::inventory::DecodeEndpointStats(input, {}, stats)) {
    const std::string once = apisensor::inventory::EncodeEndpointStats(stats);
    apisensor::inventory::EndpointStats again;
    if (!apisensor::inventory::DecodeEndpointStats(once, {}, again)) __builtin_trap();
    if (apisensor::inventory::EncodeEndpointStats(again) != once) __builtin_trap();
  }
  (void)apisensor::api::ParseTimeNs(input);
  return 0;
}
