#include "exporters/core/export_hub.h"

namespace apisensor::exporters {

ExportHub::~ExportHub() {
  for (const auto& runner : runners_) runner->RequestStop();
}

void ExportHub::Add(std::unique_ptr<SinkRunner> runner) { runners_.push_back(std::move(runner)); }

bool ExportHub::wants_exchanges() const {
  for (const auto& runner : runners_) {
    if (runner->options().exchanges) return true;
  }
  return false;
}

void ExportHub::OnExchange(const ExchangeRecord& record,
                           const inventory::ObservedEndpoint& endpoint) {
  if (pending_.size() >= options_.max_pending_exchanges) {
    ++exchanges_dropped_;
    return;
  }
  pending_.push_back(std::make_shared<const ExportItem>(SummarizeExchange(record, endpoint)));
}

void ExportHub::OnPublish(const inventory::Published& published) {
  std::vector<ExportItemPtr> items = std::move(pending_);
  pending_ = {};
  if (last_export_ns_.size() > options_.max_tracked_findings) last_export_ns_.clear();
  for (const findings::Finding& finding : published.changed_findings) {
    auto [it, is_new] = last_export_ns_.try_emplace(finding.id, published.now_unix_ns);
    if (!is_new) {
      if (published.now_unix_ns - it->second < options_.finding_update_interval_ns) continue;
      it->second = published.now_unix_ns;
    }
    items.push_back(std::make_shared<const ExportItem>(finding));
  }
  if (items.empty()) return;
  for (const auto& runner : runners_) runner->Offer(items);
}

std::vector<metrics::Counter> ExportHub::Counters() const {
  std::vector<metrics::Counter> out;
  for (const auto& runner : runners_) runner->AppendCounters(out);
  out.push_back({"export_exchanges_dropped",
                 "Exchange summaries dropped before reaching the sinks (pending cap)",
                 exchanges_dropped_});
  return out;
}

}  // namespace apisensor::exporters
