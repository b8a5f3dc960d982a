// The embedded SQLite store of the inventory and findings: one row per service, endpoint and
// finding, upserted in batches by StoreWriter's thread, read back at start so the inventory
// survives restarts. The schema is versioned (PRAGMA user_version) and migrated forward on open;
// a database from a newer build is refused rather than misread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/findings/finding.h"
#include "agent/inventory/inventory.h"
#include "agent/store/sqlite_db.h"

namespace apisensor::store {

inline constexpr int kSchemaVersion = 2;

struct StoreBatch {
  std::vector<std::shared_ptr<const inventory::EndpointView>> endpoints;  // upserts
  std::vector<std::string> removed_endpoint_ids;
  std::vector<inventory::ServiceView> services;  // upserts
  std::vector<findings::Finding> findings;       // upserts

  bool empty() const {
    return endpoints.empty() && removed_endpoint_ids.empty() && services.empty() &&
           findings.empty();
  }
};

struct StoredState {
  std::vector<inventory::RestoredEndpoint> endpoints;
  std::vector<findings::Finding> findings;
  uint64_t unreadable_rows = 0;  // rows this build cannot decode, skipped
};

class InventoryStore {
 public:
  // Opens or creates `path` and migrates it; throws std::runtime_error with one sentence.
  explicit InventoryStore(const std::string& path);

  void Write(const StoreBatch& batch);
  StoredState Load(const schema::SchemaLimits& limits);
  const std::string& path() const { return db_.path(); }

 private:
  void Migrate();

  Database db_;
};

}  // namespace apisensor::store
