#include "agent/daemon/inventory_daemon.h"

#include <sys/stat.h>

#include <filesystem>

#include "agent/daemon/catalog_specs.h"

namespace apisensor::daemon {
namespace {

constexpr uint64_t kPublishIntervalNs = 1'000'000'000;

// The store's directory, created private (like the fingerprint key's) when missing, so the
// default /var/lib/apisensor works on a fresh host.
void EnsureParentDirectory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty() || std::filesystem::exists(parent)) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (!ec) ::chmod(parent.c_str(), 0700);
}

}  // namespace

InventoryDaemon::InventoryDaemon(const InventoryDaemonOptions& options)
    : scanner_(std::make_unique<sensitive::Scanner>()),
      specs_(std::make_unique<CatalogSpecs>(options.specs)) {
  for (const std::string& line : specs_->Describe()) notes_.push_back(line);
  inventory_ =
      std::make_unique<inventory::Inventory>(options.limits, *scanner_, specs_.get(), &findings_);
  detectors_ =
      std::make_unique<detectors::DetectorSet>(options.detectors, inventory_->local_addresses());
  if (!options.db_path.empty()) {
    EnsureParentDirectory(options.db_path);
    store_ = std::make_unique<store::InventoryStore>(options.db_path);
    const store::StoredState stored = store_->Load(options.limits.schema);
    for (const inventory::RestoredEndpoint& e : stored.endpoints) inventory_->Restore(e);
    for (const findings::Finding& f : stored.findings) findings_.Restore(f);
    restored_endpoints_ = stored.endpoints.size();
    std::string note = "inventory store " + options.db_path + ": restored " +
                       std::to_string(stored.endpoints.size()) + " endpoints and " +
                       std::to_string(stored.findings.size()) + " findings";
    if (stored.unreadable_rows > 0) {
      note += " (" + std::to_string(stored.unreadable_rows) + " unreadable rows skipped)";
    }
    notes_.push_back(std::move(note));
    // Stored states were computed against the specs of the previous run.
    inventory_->RefreshSpecs();
    writer_ = std::make_unique<store::StoreWriter>(*store_);
  } else {
    notes_.push_back("inventory kept in memory only (--db '')");
  }
}

InventoryDaemon::~InventoryDaemon() = default;

void InventoryDaemon::Tick(uint64_t now_monotonic_ns, uint64_t now_unix_ns) {
  if (now_monotonic_ns >= next_publish_ns_) {
    next_publish_ns_ = now_monotonic_ns + kPublishIntervalNs;
    Publish(now_unix_ns);
  }
}

void InventoryDaemon::AddListener(inventory::InventoryListener& listener) {
  listeners_.push_back(&listener);
  if (listener.wants_exchanges()) exchange_listeners_.push_back(&listener);
}

void InventoryDaemon::Publish(uint64_t now_unix_ns) {
  inventory::PublishResult published = inventory_->Publish(now_unix_ns);
  std::vector<findings::Finding> changed_findings = findings_.TakeChanged();
  const inventory::Published event{*published.view, published.changed, published.removed_ids,
                                   changed_findings, now_unix_ns};
  for (inventory::InventoryListener* listener : listeners_) listener->OnPublish(event);
  if (writer_) {
    store::StoreBatch batch;
    batch.endpoints = std::move(published.changed);
    batch.removed_endpoint_ids = std::move(published.removed_ids);
    batch.services = published.view->services;
    batch.findings = std::move(changed_findings);
    writer_->Submit(std::move(batch));
  }
  board_.Publish(std::move(published.view));
}

void InventoryDaemon::Shutdown(uint64_t now_unix_ns) {
  Publish(now_unix_ns);
  if (writer_) writer_->Flush();
}

std::vector<metrics::Counter> InventoryDaemon::Counters() const {
  const auto view = board_.Latest();
  const inventory::InventoryStats& s = view->stats;
  std::vector<metrics::Counter> out = {
      {"inventory_exchanges_observed", "Exchanges added to the endpoint inventory",
       s.exchanges_observed},
      {"inventory_exchanges_unattributed", "Exchanges with no service (role unknown)",
       s.exchanges_unattributed},
      {"inventory_services_dropped", "Exchanges of new services beyond the service cap",
       s.services_dropped},
      {"inventory_endpoints_dropped", "Exchanges of new endpoints beyond a service's cap",
       s.endpoints_dropped},
      {"inventory_endpoints_rekeyed", "Endpoints folded into a template learned later",
       s.endpoints_rekeyed},
      {"inventory_findings_reported", "Shadow and zombie endpoint findings reported",
       s.findings_reported},
      {"inventory_services", "Services in the inventory", view->services.size(), true},
      {"inventory_endpoints", "Endpoints in the inventory (unused declared ones included)",
       view->endpoints.size(), true},
      {"inventory_memory_bytes", "Approximate memory held by the inventory", view->memory_bytes,
       true},
      {"findings_dropped", "New findings beyond the finding cap", findings_.dropped()},
      {"findings_rate_limited", "New findings beyond a type's per-minute limit",
       findings_.rate_limited()},
      {"detector_callers_untracked", "Callers the stateful detectors had no room to track",
       detectors_->untracked_callers()},
      {"spec_reloads", "Times declared specs were reloaded after a file changed",
       specs_->reloads()},
      {"spec_load_errors", "Spec files that could not be loaded (last check)", specs_->ErrorCount(),
       true},
  };
  if (writer_) {
    const store::StoreWriterStats w = writer_->stats();
    out.push_back(
        {"store_batches_written", "Inventory batches written to SQLite", w.batches_written});
    out.push_back({"store_write_errors", "Failed SQLite writes (retried)", w.write_errors});
  }
  return out;
}

}  // namespace apisensor::daemon
