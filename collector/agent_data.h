// What the collector keeps of each agent: who it is, its last heartbeat, and its latest snapshot
// of endpoints, services and findings, in the inventory's own types so that merging agents is
// the inventory's merging.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/findings/finding.h"
#include "agent/inventory/views.h"
#include "exporters/core/export_item.h"

namespace apisensor::collector {

struct AgentCounter {
  std::string name;
  std::string labels;
  uint64_t value = 0;
  bool operator==(const AgentCounter&) const = default;
};

struct HeartbeatInfo {
  uint64_t time_ns = 0;  // the agent's clock
  std::string version;
  std::vector<AgentCounter> counters;
  uint64_t batches_dropped = 0;
  uint64_t items_dropped = 0;
  uint64_t queued_batches = 0;
};

struct AgentInfo {
  std::string agent_id;
  std::string node;
  std::string version;
  uint64_t instance_id = 0;    // of the latest Hello
  uint64_t last_sequence = 0;  // last stored batch of that instance
  uint64_t exchanges_received = 0;
  uint64_t batches_stored = 0;
  uint64_t last_batch_ns = 0;  // the collector's clock when the last batch was stored
  HeartbeatInfo heartbeat;     // time_ns 0: none yet
};

// One agent's latest figures for an endpoint, with the codec text it arrived in (what the store
// keeps, so nothing is encoded twice).
struct AgentEndpoint {
  std::shared_ptr<const inventory::EndpointView> view;
  std::string stats_text;
};

// A Batch checked and turned into inventory types. Items that could not be read are left out and
// counted; the rest of the batch still applies.
struct DecodedBatch {
  uint64_t sequence = 0;
  bool full_snapshot = false;
  std::vector<AgentEndpoint> endpoints;
  std::vector<std::string> removed_endpoint_ids;
  std::vector<inventory::ServiceView> services;
  std::vector<findings::Finding> findings;
  std::optional<HeartbeatInfo> heartbeat;
  uint64_t exchange_count = 0;
  std::vector<exporters::ExportItemPtr> exchanges;  // only when some sink wants them
  uint64_t codec_refused = 0;  // endpoints in a codec version this build cannot read
  uint64_t malformed = 0;      // items without an id, or with oversized fields
  uint64_t capped = 0;         // items left out by the collector's caps (see ClusterLimits)
};

}  // namespace apisensor::collector
