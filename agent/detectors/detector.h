// A detector looks at one exchange, with what the inventory knows of its endpoint, and reports
// findings. Detectors run on the pipeline thread right after the inventory, so they must be
// cheap, must not block, and must keep any per-caller state bounded.
#pragma once

#include <string>
#include <vector>

#include "agent/exchange/exchange_record.h"
#include "agent/findings/finding.h"
#include "agent/inventory/inventory.h"

namespace apisensor::detectors {

// Thresholds, with the defaults the README documents.
struct DetectorOptions {
  // unauthenticated_access: an endpoint counts as authenticated when at least this share of at
  // least `baseline_calls` earlier calls carried a credential.
  double authenticated_share = 0.95;
  uint64_t baseline_calls = 20;
  // Path segments that make an endpoint privileged (compared case-insensitively).
  std::vector<std::string> privileged_segments = {"admin",  "internal",   "debug",   "actuator",
                                                  "manage", "management", "console", "private",
                                                  "_debug", "_internal"};
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
                       findings::FindingSink& sink) = 0;
};

}  // namespace apisensor::detectors
