// Turns what an agent sent (protobuf) into the collector's types, defensively: an agent may be
// newer, older or broken, so every item is checked and one bad item costs only itself, counted.
#pragma once

#include "agent/schema/schema_limits.h"
#include "apisensor/collector/v1/collector.pb.h"
#include "collector/agent_data.h"
#include "exporters/core/export_item.h"

namespace apisensor::collector {

// Longest id (endpoint, finding, agent) and longest text field accepted; longer items are
// refused as malformed rather than stored.
inline constexpr size_t kMaxIdBytes = 128;
// Service names can be an external API's host name (up to 253 bytes) or namespace/workload.
inline constexpr size_t kMaxServiceNameBytes = 512;
inline constexpr size_t kMaxTextBytes = 16384;
inline constexpr size_t kMaxListEntries = 256;  // hosts, specs, evidence per item
inline constexpr size_t kMaxAgentCounters = 2048;

struct DecodeOptions {
  schema::SchemaLimits schema;
  bool exchanges = false;  // also turn exchanges into export items (some sink wants them)
};

DecodedBatch DecodeBatch(const v1::Batch& batch, const DecodeOptions& options);

// Malformed parts (a workload that is no Kubernetes name) are left out and counted in `batch`.
exporters::ExchangeSummary ToExchangeSummary(const v1::Exchange& exchange, DecodedBatch& batch);

}  // namespace apisensor::collector
