// The collector's core, independent of gRPC: takes each agent's Hello and batches, stores every
// new batch with its sequence in one transaction before it is acknowledged, skips sequences it
// already stored, merges agents into one cluster view, and publishes that view to the query API
// (InventoryBoard, FindingLog), the export sinks and the metrics about once a second. Batches of
// any number of streams may arrive concurrently; one lock orders them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/api/api_server.h"
#include "agent/findings/finding_log.h"
#include "agent/metrics/counters.h"
#include "agent/schema/schema_limits.h"
#include "apisensor/collector/v1/collector.pb.h"
#include "collector/cluster_state.h"
#include "collector/collector_store.h"
#include "exporters/core/export_hub.h"

namespace apisensor::collector {

struct CollectorOptions {
  std::string db_path;  // "" keeps everything in memory only
  ClusterLimits limits;
  schema::SchemaLimits schema;
};

// What the stream layer counts (refusals happen before the core sees a Hello).
struct StreamCounters {
  std::atomic<uint64_t> opened{0};
  std::atomic<uint64_t> active{0};
  std::atomic<uint64_t> unauthenticated{0};
  std::atomic<uint64_t> invalid{0};        // no Hello first, a second Hello, a bad agent id
  std::atomic<uint64_t> over_capacity{0};  // too many streams or agents
  std::atomic<uint64_t> timed_out{0};      // no Hello in time, or silent past the idle timeout
};

enum class HelloOutcome { kWelcome, kInvalid, kTooManyAgents };

struct HelloResult {
  HelloOutcome outcome = HelloOutcome::kWelcome;
  std::string message;  // one sentence when refused
  uint64_t last_stored_sequence = 0;
};

enum class BatchOutcome {
  kStored,     // new: applied and stored
  kDuplicate,  // at or below the last stored sequence: skipped (acknowledge it again)
  kFailed,     // could not be stored: not applied, must not be acknowledged
};

class Collector {
 public:
  // Opens the store and restores what it holds. `hub` (may be null) receives the merged findings
  // that changed and, when a sink asked for them, the exchanges received; it must outlive this.
  // Throws std::runtime_error with one sentence (unusable store).
  explicit Collector(const CollectorOptions& options, exporters::ExportHub* hub = nullptr);

  // A stream opened with `hello`. On kWelcome the agent counts as connected until Goodbye().
  HelloResult Hello(const v1::Hello& hello);
  void Goodbye(const std::string& agent_id);
  // One batch of a stream whose Hello was welcomed. `error` gets one sentence on kFailed.
  BatchOutcome Apply(const std::string& agent_id, uint64_t instance_id, const v1::Batch& batch,
                     std::string& error);

  // Merges what changed and hands it to the API boards, the sinks and the metrics. Call from one
  // thread, about once a second, and once more when stopping.
  void Publish(uint64_t now_unix_ns);

  StreamCounters& stream_counters() { return streams_; }
  const api::InventoryBoard& inventory_board() const { return inventory_board_; }
  const findings::FindingLog& findings() const { return findings_; }
  const metrics::CounterBoard& counter_board() const { return counter_board_; }
  // GET /v1/agents: every agent known, connected or not.
  std::string AgentsJson() const;
  std::vector<metrics::Counter> Counters() const;
  const std::vector<std::string>& startup_notes() const { return notes_; }

 private:
  struct InstanceSequence {
    uint64_t instance_id = 0;
    uint64_t last_sequence = 0;
  };
  uint64_t LastSequence(const std::string& agent_id, uint64_t instance_id) const;
  void SetLastSequence(const std::string& agent_id, uint64_t instance_id, uint64_t sequence);
  void Restore(CollectorStoredState stored);

  const CollectorOptions options_;
  exporters::ExportHub* hub_;
  bool hub_wants_exchanges_ = false;

  mutable std::mutex mu_;  // guards everything below up to the boards
  std::unique_ptr<CollectorStore> store_;
  ClusterState state_;
  // Per agent, its latest instances (the most recent last), at most kInstancesPerAgent.
  std::unordered_map<std::string, std::vector<InstanceSequence>> sequences_;

  api::InventoryBoard inventory_board_;
  findings::FindingLog findings_;
  metrics::CounterBoard counter_board_;
  StreamCounters streams_;
  std::atomic<uint64_t> batches_stored_{0};
  std::atomic<uint64_t> batches_duplicate_{0};
  std::atomic<uint64_t> sequence_gaps_{0};
  std::atomic<uint64_t> codec_refused_{0};
  std::atomic<uint64_t> malformed_items_{0};
  std::atomic<uint64_t> capped_items_{0};
  std::atomic<uint64_t> store_errors_{0};
  std::atomic<uint64_t> exchanges_received_{0};
  uint64_t unreadable_rows_ = 0;
  std::vector<std::string> notes_;
};

}  // namespace apisensor::collector
