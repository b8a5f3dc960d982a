// The inventory side of `apisensor run`: receives redacted exchange records from the pipeline
// (as one of its outputs), keeps the inventory, publishes a view for the API about once a
// second, persists changes through the store's writer thread, and reloads declared specs when
// their files change. Everything except the store writer and the API runs on the pipeline thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/api/api_server.h"
#include "agent/detectors/detector_set.h"
#include "agent/findings/finding_log.h"
#include "agent/inventory/inventory.h"
#include "agent/inventory/inventory_listener.h"
#include "agent/metrics/counters.h"
#include "agent/pipeline/record_output.h"
#include "agent/sensitive/scanner.h"
#include "agent/store/inventory_store.h"
#include "agent/store/store_writer.h"

namespace apisensor::daemon {

class CatalogSpecs;

struct InventoryDaemonOptions {
  std::string db_path;             // "" keeps the inventory in memory only
  std::vector<std::string> specs;  // --spec arguments: SERVICE=FILE|DIR, FILE or DIR
  inventory::InventoryLimits limits;
  detectors::DetectorOptions detectors;
};

class InventoryDaemon final : public pipeline::RecordOutput {
 public:
  // Opens the store and loads what it holds, loads the specs. Throws std::runtime_error with one
  // sentence (bad spec argument, unreadable store).
  explicit InventoryDaemon(const InventoryDaemonOptions& options);
  ~InventoryDaemon() override;

  void Write(const ExchangeRecord& record) override {
    if (const inventory::ObservedEndpoint* endpoint = inventory_->Observe(record)) {
      detectors_->Inspect(record, *endpoint, findings_);
      for (inventory::InventoryListener* listener : exchange_listeners_)
        listener->OnExchange(record, *endpoint);
    }
  }

  // `listener` must outlive the daemon; it hears every exchange (if it wants them) and publish.
  void AddListener(inventory::InventoryListener& listener);
  void Flush() override {}

  // Call every poll: publishes at most once a second, first taking in specs reloaded since.
  void Tick(uint64_t now_monotonic_ns, uint64_t now_unix_ns);
  // Publishes and writes everything (the agent is stopping).
  void Shutdown(uint64_t now_unix_ns);

  const api::InventoryBoard& board() const { return board_; }
  const findings::FindingLog& findings() const { return findings_; }
  std::vector<metrics::Counter> Counters() const;
  // Lines for the log at start: what was restored, which specs were bound or failed.
  const std::vector<std::string>& startup_notes() const { return notes_; }

 private:
  void Publish(uint64_t now_unix_ns);

  std::unique_ptr<sensitive::Scanner> scanner_;
  std::unique_ptr<CatalogSpecs> specs_;
  findings::FindingLog findings_;
  std::unique_ptr<inventory::Inventory> inventory_;
  std::unique_ptr<detectors::DetectorSet> detectors_;
  std::unique_ptr<store::InventoryStore> store_;
  std::unique_ptr<store::StoreWriter> writer_;
  api::InventoryBoard board_;
  std::vector<inventory::InventoryListener*> listeners_;
  std::vector<inventory::InventoryListener*> exchange_listeners_;
  std::vector<std::string> notes_;
  uint64_t next_publish_ns_ = 0;
  uint64_t restored_endpoints_ = 0;
};

}  // namespace apisensor::daemon
