// Writes inventory batches to the store on its own thread, so SQLite's fsyncs never stall the
// capture path. Submissions coalesce: an endpoint changed ten times before the writer wakes is
// written once, with its latest figures, so the pending set is bounded by the inventory's own
// caps and nothing needs to be dropped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "agent/store/inventory_store.h"

namespace apisensor::store {

struct StoreWriterStats {
  uint64_t batches_written = 0;
  uint64_t rows_written = 0;
  uint64_t write_errors = 0;
  std::string last_error;
};

class StoreWriter {
 public:
  // `store` is used only by the writer thread from here on, and must outlive this object.
  explicit StoreWriter(InventoryStore& store);
  ~StoreWriter();  // writes what is pending, then stops
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void Submit(StoreBatch&& batch);
  // Blocks until everything submitted so far is written (tests, shutdown).
  void Flush();
  StoreWriterStats stats() const;

 private:
  void Loop();
  StoreBatch TakePending();

  InventoryStore& store_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::unordered_map<std::string, std::shared_ptr<const inventory::EndpointView>> endpoints_;
  std::unordered_map<std::string, bool> removed_;
  std::unordered_map<std::string, inventory::ServiceView> services_;
  std::unordered_map<std::string, findings::Finding> findings_;
  uint64_t submitted_ = 0;
  uint64_t completed_ = 0;
  bool stop_ = false;
  StoreWriterStats stats_;
  std::thread thread_;
};

}  // namespace apisensor::store
