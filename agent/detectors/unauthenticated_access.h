// unauthenticated_access (OWASP API2:2023): a call without any credential that the server
// answered 2xx, on an endpoint that should not allow it: the declared spec secures it, or it is
// authenticated in at least 95 % of its earlier calls, or its responses carry sensitive data, or
// its path is privileged (/admin, /internal, /debug, /actuator, ...).
#pragma once

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

class UnauthenticatedAccess final : public Detector {
 public:
  explicit UnauthenticatedAccess(const DetectorOptions& options) : options_(options) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;

 private:
  DetectorOptions options_;
};

}  // namespace apisensor::detectors
