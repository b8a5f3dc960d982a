// Every detector, run in turn on each exchange the inventory placed.
#pragma once

#include <memory>
#include <vector>

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

class DetectorSet {
 public:
  // `local` must outlive the set.
  DetectorSet(const DetectorOptions& options, const inventory::LocalAddresses& local);

  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) {
    for (const auto& d : detectors_) d->Inspect(record, endpoint, sink);
  }

  // Callers the stateful detectors could not keep state for (their caps were full).
  uint64_t untracked_callers() const;

 private:
  std::vector<std::unique_ptr<Detector>> detectors_;
};

}  // namespace apisensor::detectors
