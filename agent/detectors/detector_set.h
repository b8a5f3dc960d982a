// Every detector, run in turn on each exchange the inventory placed.
#pragma once

#include <memory>
#include <vector>

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

class AuthFailureBurst;
class NewExternalApi;
class ObjectEnumeration;
class PrivilegedFunctionAccess;
class RateAnomaly;

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
  const AuthFailureBurst* auth_failures_ = nullptr;       // owned by detectors_
  const NewExternalApi* external_apis_ = nullptr;         // owned by detectors_
  const ObjectEnumeration* enumeration_ = nullptr;        // owned by detectors_
  const RateAnomaly* rates_ = nullptr;                    // owned by detectors_
  const PrivilegedFunctionAccess* privileged_ = nullptr;  // owned by detectors_
};

}  // namespace apisensor::detectors
