// A sink whose answers the test scripts (deliver, retry, reject, or hold until released), so the
// runner's queueing, retry and counting can be checked exactly. The real sinks have their own
// tests against real receivers.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "exporters/core/sink.h"

namespace apisensor::exporters {

class ScriptedSink final : public Sink {
 public:
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Delivery> script;                      // answers for the next calls; then kDelivered
    bool hold = false;                                // block Deliver until released
    int holding = 0;                                  // calls currently blocked
    std::vector<std::vector<std::string>> delivered;  // finding ids per delivered batch
    int calls = 0;
    uint64_t skipped_per_batch = 0;    // reported with each delivered or rejected batch
    uint64_t truncated_per_batch = 0;  // likewise
  };

  explicit ScriptedSink(Shared& shared) : shared_(shared) {}

  DeliveryResult Deliver(std::span<const ExportItemPtr> items) override {
    std::unique_lock lock(shared_.mu);
    ++shared_.calls;
    ++shared_.holding;
    shared_.cv.notify_all();
    shared_.cv.wait(lock, [&] { return !shared_.hold; });
    --shared_.holding;
    Delivery outcome = Delivery::kDelivered;
    if (!shared_.script.empty()) {
      outcome = shared_.script.front();
      shared_.script.pop_front();
    }
    if (outcome == Delivery::kDelivered) {
      std::vector<std::string> ids;
      for (const ExportItemPtr& item : items) {
        if (const auto* f = std::get_if<findings::Finding>(item.get())) {
          ids.push_back(f->id);
        } else {
          ids.push_back("exchange:" + std::get<ExchangeSummary>(*item).path);
        }
      }
      shared_.delivered.push_back(std::move(ids));
    }
    if (outcome == Delivery::kDelivered) {
      return Delivered(shared_.skipped_per_batch, shared_.truncated_per_batch);
    }
    DeliveryResult refused{outcome, "the destination said no"};
    if (outcome == Delivery::kRejected) refused.skipped = shared_.skipped_per_batch;
    return refused;
  }

 private:
  Shared& shared_;
};

inline ExportItemPtr FindingItem(std::string id,
                                 findings::Severity severity = findings::Severity::kHigh,
                                 std::string type = "weak_jwt") {
  findings::Finding f;
  f.id = std::move(id);
  f.type = std::move(type);
  f.severity = severity;
  return std::make_shared<const ExportItem>(std::move(f));
}

}  // namespace apisensor::exporters
