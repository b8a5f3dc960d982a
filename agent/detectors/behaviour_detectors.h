// Detectors that learn each caller's normal behaviour, with bounded state:
//   rate_anomaly (API4:2023)                a caller's rate on an endpoint far above its own
//                                           learned baseline (EWMA mean and variance of calls per
//                                           bucket, after a warm-up; z-score), or above an
//                                           absolute cap;
//   privileged_function_access (API5:2023)  a caller never seen on a privileged endpoint (admin,
//                                           internal, ...) reaching it with 2xx once the
//                                           endpoint has a baseline of known callers.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

class RateAnomaly final : public Detector {
 public:
  explicit RateAnomaly(const DetectorOptions& options) : options_(options) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;
  uint64_t untracked() const override { return untracked_; }

 private:
  struct Baseline {
    uint64_t bucket = 0;  // index of the current bucket (time / bucket length)
    uint64_t count = 0;   // calls in the current bucket
    uint64_t buckets_seen = 0;
    double mean = 0;        // EWMA of calls per bucket
    double variance = 0;    // EWMA of the squared deviation
    bool reported = false;  // in the current bucket
  };
  void Roll(Baseline& b, uint64_t bucket) const;

  DetectorOptions options_;
  std::unordered_map<std::string, Baseline> baselines_;  // "service method template caller"
  uint64_t untracked_ = 0;
  std::string key_;
};

class PrivilegedFunctionAccess final : public Detector {
 public:
  explicit PrivilegedFunctionAccess(const DetectorOptions& options) : options_(options) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;
  uint64_t untracked() const override { return untracked_; }

 private:
  struct Known {
    uint64_t calls = 0;
    std::unordered_set<std::string> callers;
  };
  DetectorOptions options_;
  std::unordered_map<std::string, Known> endpoints_;  // "service method template"
  uint64_t untracked_ = 0;
  std::string key_;
};

}  // namespace apisensor::detectors
