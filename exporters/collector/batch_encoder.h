// Turns what one publish handed over into protocol batches: the inventory's views into Endpoint,
// Service and Finding messages (endpoint aggregates in the inventory's own codec), exchange
// summaries into Exchange messages, split so no batch exceeds the size limit. Runs on the
// client's encoder thread, never on the pipeline thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/findings/finding.h"
#include "agent/inventory/views.h"
#include "agent/metrics/counters.h"
#include "apisensor/collector/v1/collector.pb.h"
#include "exporters/core/export_item.h"

namespace apisensor::exporters {

namespace collector_v1 = ::apisensor::collector::v1;

// Cheap to take on the pipeline thread: endpoint views are immutable and shared, so holding them
// copies pointers; services and findings are the few that changed.
struct PublishMaterials {
  uint64_t now_unix_ns = 0;
  bool full_snapshot = false;  // `endpoints` is the whole inventory
  bool heartbeat = false;
  std::vector<std::shared_ptr<const inventory::EndpointView>> endpoints;
  std::vector<std::string> removed_ids;
  std::vector<inventory::ServiceView> services;
  std::vector<findings::Finding> findings;
  std::vector<ExchangeSummary> exchanges;

  size_t items() const {
    return endpoints.size() + removed_ids.size() + services.size() + findings.size() +
           exchanges.size();
  }
};

// What a heartbeat reports besides the time: the agent's counters and the stream's own losses.
struct HeartbeatInfo {
  std::string version;
  std::vector<metrics::Counter> counters;
  uint64_t batches_dropped = 0;
  uint64_t items_dropped = 0;
  uint64_t queued_batches = 0;
};

struct EncodedBatch {
  bool full_snapshot = false;
  size_t items = 0;
  std::string message;  // a serialized AgentMessage; its sequence is set by Encode's caller
};

// proto3 string fields must hold UTF-8 (a parser refuses the whole message otherwise, which would
// make the batch one the collector can never store), but paths, header values and process names
// are whatever bytes a program sent: invalid sequences become U+FFFD.
std::string Utf8(std::string_view text);

void ToProto(const inventory::EndpointView& view, collector_v1::Endpoint& out);
void ToProto(const inventory::ServiceView& view, collector_v1::Service& out);
void ToProto(const findings::Finding& finding, collector_v1::Finding& out);
void ToProto(const ExchangeSummary& summary, collector_v1::Exchange& out);

class BatchEncoder {
 public:
  BatchEncoder(size_t max_batch_bytes, size_t max_tracked_findings)
      : max_batch_bytes_(max_batch_bytes), max_tracked_findings_(max_tracked_findings) {}

  // One batch, or more when exchanges overflow max_batch_bytes (the first holds everything else
  // and the heartbeat). Sequences are numbered from `first_sequence` in order. `heartbeat` is
  // used only when materials.heartbeat is set.
  std::vector<EncodedBatch> Encode(PublishMaterials& materials, const HeartbeatInfo& heartbeat,
                                   uint64_t first_sequence);

  // New findings beyond max_tracked_findings: still sent once, but missing from later full
  // snapshots.
  uint64_t findings_untracked() const { return findings_untracked_; }

 private:
  const size_t max_batch_bytes_;
  const size_t max_tracked_findings_;
  // The latest of each finding, for full snapshots (a dropped batch may have held its update).
  std::unordered_map<std::string, collector_v1::Finding> findings_;
  uint64_t findings_untracked_ = 0;
};

}  // namespace apisensor::exporters
