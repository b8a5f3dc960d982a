// The collector's SQLite store: each agent's identity, heartbeat and latest snapshot (endpoints,
// services, findings), and the last batch sequence stored per agent instance. Every batch is one
// transaction with its sequence, so an acknowledged batch is stored and a batch that was not
// stored is not acknowledged: after a restart the collector answers each agent's Hello with the
// right sequence and skips what it already has. Reuses agent/store's SQLite wrappers and its
// migration scheme (PRAGMA user_version).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/schema/schema_limits.h"
#include "agent/store/sqlite_db.h"
#include "collector/agent_data.h"

namespace apisensor::collector {

inline constexpr int kCollectorSchemaVersion = 2;
// Instances remembered per agent: an agent restarts with a new instance; the previous ones only
// matter while an old process may still be reconnecting.
inline constexpr int kInstancesPerAgent = 4;

struct StoredInstance {
  std::string agent_id;
  uint64_t instance_id = 0;
  uint64_t last_sequence = 0;
};

struct StoredAgent {
  AgentInfo info;
  DecodedBatch snapshot;  // full_snapshot: its endpoints, services and findings
};

struct CollectorStoredState {
  std::vector<StoredAgent> agents;
  std::vector<StoredInstance> instances;
  uint64_t unreadable_rows = 0;  // rows this build cannot decode, skipped and counted
};

class CollectorStore {
 public:
  // Opens or creates `path` and migrates it; throws std::runtime_error with one sentence.
  explicit CollectorStore(const std::string& path);
  ~CollectorStore();
  CollectorStore(const CollectorStore&) = delete;
  CollectorStore& operator=(const CollectorStore&) = delete;

  // Stores `batch` of agent `info` with info.last_sequence as its instance's last stored
  // sequence, all in one transaction (rolled back whole on failure). Throws std::runtime_error.
  void Commit(const AgentInfo& info, const DecodedBatch& batch, uint64_t now_unix_ns);
  CollectorStoredState Load(const schema::SchemaLimits& limits);
  const std::string& path() const { return db_.path(); }

 private:
  struct Statements;
  void Migrate();

  store::Database db_;
  std::unique_ptr<Statements> statements_;
};

}  // namespace apisensor::collector
