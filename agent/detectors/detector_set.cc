#include "agent/detectors/detector_set.h"

#include "agent/detectors/behaviour_detectors.h"
#include "agent/detectors/caller_detectors.h"
#include "agent/detectors/credential_detectors.h"
#include "agent/detectors/exposure_detectors.h"
#include "agent/detectors/unauthenticated_access.h"

namespace apisensor::detectors {

DetectorSet::DetectorSet(const DetectorOptions& options, const inventory::LocalAddresses& local) {
  detectors_.push_back(std::make_unique<UnauthenticatedAccess>(options));
  detectors_.push_back(std::make_unique<CredentialInUrl>());
  detectors_.push_back(std::make_unique<CleartextCredentials>(local));
  detectors_.push_back(std::make_unique<WeakJwt>());
  detectors_.push_back(std::make_unique<AuthFailureBurst>(options));
  detectors_.push_back(std::make_unique<NewExternalApi>(options));
  detectors_.push_back(std::make_unique<ObjectEnumeration>(options));
  detectors_.push_back(std::make_unique<ExcessiveDataExposure>(options));
  detectors_.push_back(std::make_unique<RateAnomaly>(options));
  detectors_.push_back(std::make_unique<PrivilegedFunctionAccess>(options));
}

uint64_t DetectorSet::untracked_callers() const {
  uint64_t n = 0;
  for (const auto& d : detectors_) n += d->untracked();
  return n;
}

}  // namespace apisensor::detectors
