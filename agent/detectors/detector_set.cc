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
  auto auth_failures = std::make_unique<AuthFailureBurst>(options);
  auth_failures_ = auth_failures.get();
  detectors_.push_back(std::move(auth_failures));
  auto external_apis = std::make_unique<NewExternalApi>(options);
  external_apis_ = external_apis.get();
  detectors_.push_back(std::move(external_apis));
  auto enumeration = std::make_unique<ObjectEnumeration>(options);
  enumeration_ = enumeration.get();
  detectors_.push_back(std::move(enumeration));
  detectors_.push_back(std::make_unique<ExcessiveDataExposure>(options));
  auto rates = std::make_unique<RateAnomaly>(options);
  rates_ = rates.get();
  detectors_.push_back(std::move(rates));
  auto privileged = std::make_unique<PrivilegedFunctionAccess>(options);
  privileged_ = privileged.get();
  detectors_.push_back(std::move(privileged));
}

uint64_t DetectorSet::untracked_callers() const {
  return auth_failures_->untracked() + external_apis_->untracked() + enumeration_->untracked() +
         rates_->untracked() + privileged_->untracked();
}

}  // namespace apisensor::detectors
