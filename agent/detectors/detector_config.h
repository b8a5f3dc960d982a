// Detector thresholds from a YAML file (`apisensor run --detector-config FILE`). Every key is
// optional and falls back to DetectorOptions' default; an unknown key or an out-of-range value is
// refused with one sentence naming it, so a typo never silently leaves a default in place.
//
//   unauthenticated_access: {authenticated_share: 0.95, baseline_calls: 20,
//                            privileged_segments: [admin, internal, debug, actuator]}
//   auth_failure_burst: {failures: 20, window_s: 60}
//   object_enumeration: {values: 50, window_s: 60, success_share: 0.8}
//   excessive_data_exposure: {baseline_responses: 20, min_bytes: 65536, size_factor: 10}
//   rate_anomaly: {bucket_s: 10, ewma_alpha: 0.2, warmup_buckets: 6, z: 4, min_calls: 50,
//                  absolute_cap: 1000}
//   privileged_function_access: {baseline_calls: 20}
//   max_tracked_callers: 4096
#pragma once

#include <string>
#include <string_view>

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

// Throws std::runtime_error with one sentence.
DetectorOptions ParseDetectorConfig(std::string_view yaml, const std::string& source);
DetectorOptions LoadDetectorConfig(const std::string& path);

}  // namespace apisensor::detectors
