// Fans what the inventory publishes out to the configured sinks. Findings: a new one is exported
// at the next publish (within a second), an updated one at most once per `update_interval`, so a
// finding that repeats every second does not flood a SIEM yet its count keeps reaching it.
// Exchanges (only when some sink asked for them): summarised on the pipeline thread and handed
// over in batches at each publish, one lock per sink per second.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/inventory/inventory_listener.h"
#include "agent/metrics/counters.h"
#include "exporters/core/sink_runner.h"

namespace apisensor::exporters {

struct ExportHubOptions {
  uint64_t finding_update_interval_ns = 300ULL * 1'000'000'000;
  size_t max_pending_exchanges = 65536;  // between two publishes; beyond, dropped and counted
  size_t max_tracked_findings = 20000;   // update-interval memory; beyond, forgotten (re-sent)
};

class ExportHub final : public inventory::InventoryListener {
 public:
  explicit ExportHub(ExportHubOptions options = {}) : options_(options) {}
  // Drains every sink at once, each for at most its drain timeout.
  ~ExportHub() override;
  ExportHub(const ExportHub&) = delete;
  ExportHub& operator=(const ExportHub&) = delete;

  void Add(std::unique_ptr<SinkRunner> runner);
  bool empty() const { return runners_.empty(); }
  const std::vector<std::unique_ptr<SinkRunner>>& runners() const { return runners_; }

  bool wants_exchanges() const override;
  void OnExchange(const ExchangeRecord& record,
                  const inventory::ObservedEndpoint& endpoint) override;
  void OnPublish(const inventory::Published& published) override;

  // Per-sink counters, and the hub's own.
  std::vector<metrics::Counter> Counters() const;

 private:
  ExportHubOptions options_;
  std::vector<std::unique_ptr<SinkRunner>> runners_;
  std::vector<ExportItemPtr> pending_;
  std::unordered_map<std::string, uint64_t> last_export_ns_;  // finding id -> when last sent
  uint64_t exchanges_dropped_ = 0;
};

}  // namespace apisensor::exporters
