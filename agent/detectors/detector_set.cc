#include "agent/detectors/detector_set.h"

#include "agent/detectors/credential_detectors.h"
#include "agent/detectors/unauthenticated_access.h"

namespace apisensor::detectors {

DetectorSet::DetectorSet(const DetectorOptions& options, const inventory::LocalAddresses& local) {
  detectors_.push_back(std::make_unique<UnauthenticatedAccess>(options));
  detectors_.push_back(std::make_unique<CredentialInUrl>());
  detectors_.push_back(std::make_unique<CleartextCredentials>(local));
  detectors_.push_back(std::make_unique<WeakJwt>());
}

}  // namespace apisensor::detectors
