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
  // auth_failure_burst: this many 401/403 for one caller and service within the window.
  uint64_t auth_failures = 20;
  uint64_t auth_failure_window_ns = 60ULL * 1'000'000'000;
  // object_enumeration: this many distinct parameter values from one caller on one endpoint
  // within the window, with at least this share answered 2xx.
  size_t enumeration_values = 50;
  uint64_t enumeration_window_ns = 60ULL * 1'000'000'000;
  double enumeration_success_share = 0.8;
  // excessive_data_exposure: after this many responses, one at least `exposure_min_bytes` and
  // `exposure_size_factor` times the mean of those before it; or new sensitive kinds.
  uint64_t exposure_baseline_responses = 20;
  uint64_t exposure_min_bytes = 64 * 1024;
  double exposure_size_factor = 10;
  // rate_anomaly: calls per bucket per caller and endpoint; EWMA baseline after a warm-up; a
  // bucket is anomalous above mean + z * sigma (and at least `rate_min_calls`), or above the cap.
  uint64_t rate_bucket_ns = 10ULL * 1'000'000'000;
  double rate_ewma_alpha = 0.2;
  uint64_t rate_warmup_buckets = 6;
  double rate_z = 4;
  uint64_t rate_min_calls = 50;
  uint64_t rate_absolute_cap = 1000;
  // privileged_function_access: a privileged endpoint's first calls form its known callers.
  uint64_t privileged_baseline_calls = 20;
  size_t max_callers_per_privileged_endpoint = 256;
  // Callers (or caller/host pairs) a detector keeps state for; more are counted, not tracked.
  size_t max_tracked_callers = 4096;
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
  // Callers a stateful detector had no room to keep state for (its cap was full); 0 for the
  // stateless ones.
  virtual uint64_t untracked() const { return 0; }
};

}  // namespace apisensor::detectors
