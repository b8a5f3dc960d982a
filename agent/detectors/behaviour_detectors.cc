#include "agent/detectors/behaviour_detectors.h"

#include <cmath>

#include "agent/detectors/finding_builder.h"

namespace apisensor::detectors {
void RateAnomaly::Roll(Baseline& b, uint64_t bucket) const {
  // Close the current bucket, then the empty ones skipped since (a few suffice: the EWMA
  // forgets them anyway).
  const double alpha = options_.rate_ewma_alpha;
  uint64_t closing = b.count;
  for (uint64_t i = 0; b.bucket < bucket && i < 64; ++i, ++b.bucket) {
    const double diff = static_cast<double>(closing) - b.mean;
    if (b.buckets_seen == 0) {
      b.mean = static_cast<double>(closing);
    } else {
      b.mean += alpha * diff;
      b.variance = (1 - alpha) * (b.variance + alpha * diff * diff);
    }
    ++b.buckets_seen;
    closing = 0;
  }
  b.bucket = bucket;
  b.count = 0;
  b.reported = false;
}

void RateAnomaly::Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
                          findings::FindingSink& sink) {
  const uint64_t bucket = record.ts_unix_ns / options_.rate_bucket_ns;
  EndpointKey(endpoint, key_);
  key_.push_back(' ');
  key_.append(endpoint.caller);
  auto it = baselines_.find(key_);
  if (it == baselines_.end()) {
    if (baselines_.size() >= options_.max_tracked_callers) {
      ++untracked_;
      return;
    }
    it = baselines_.emplace(key_, Baseline{}).first;
    it->second.bucket = bucket;
  }
  Baseline& b = it->second;
  if (bucket > b.bucket) Roll(b, bucket);
  ++b.count;
  if (b.reported) return;
  const double count = static_cast<double>(b.count);
  const bool over_cap = b.count >= options_.rate_absolute_cap;
  const bool warmed = b.buckets_seen >= options_.rate_warmup_buckets;
  const double sigma = std::sqrt(b.variance);
  // The floor on sigma keeps a perfectly steady caller (variance 0) from firing on +1 call.
  const bool anomalous = warmed && b.count >= options_.rate_min_calls &&
                         count > b.mean + options_.rate_z * std::max(sigma, 1.0 + 0.1 * b.mean);
  if (!over_cap && !anomalous) return;
  b.reported = true;
  findings::Finding f = StartFinding(
      "rate_anomaly", over_cap ? findings::Severity::kHigh : findings::Severity::kMedium,
      "API4:2023", "Call rate far above the caller's usual",
      "A caller's rate on this endpoint rose far above its own baseline (or above the absolute "
      "cap): scraping, brute force or a runaway client.",
      record, endpoint);
  f.evidence.emplace_back("calls_in_bucket", std::to_string(b.count));
  f.evidence.emplace_back("bucket_s", std::to_string(options_.rate_bucket_ns / 1'000'000'000));
  f.evidence.emplace_back("usual_calls_per_bucket",
                          std::to_string(static_cast<uint64_t>(std::llround(b.mean))));
  f.evidence.emplace_back("reason", over_cap ? "absolute_cap" : "baseline");
  sink.Report(f);
}

void PrivilegedFunctionAccess::Inspect(const ExchangeRecord& record,
                                       const inventory::ObservedEndpoint& endpoint,
                                       findings::FindingSink& sink) {
  if (!IsPrivilegedPath(endpoint.path, options_.privileged_segments)) return;
  EndpointKey(endpoint, key_);
  auto it = endpoints_.find(key_);
  if (it == endpoints_.end()) {
    if (endpoints_.size() >= options_.max_tracked_callers) {
      ++untracked_;
      return;
    }
    it = endpoints_.emplace(key_, Known{}).first;
  }
  Known& known = it->second;
  ++known.calls;
  if (known.callers.contains(std::string(endpoint.caller))) return;
  const bool baseline = known.calls > options_.privileged_baseline_calls;
  if (known.callers.size() < options_.max_callers_per_privileged_endpoint) {
    known.callers.emplace(endpoint.caller);
  } else {
    ++untracked_;
  }
  // While the endpoint is young, every caller is part of its baseline.
  if (!baseline || !IsSuccess(record)) return;
  findings::Finding f = StartFinding(
      "privileged_function_access", findings::Severity::kHigh, "API5:2023",
      "New caller on a privileged endpoint",
      "A caller never seen on this administrative or internal endpoint reached it and was "
      "answered 2xx: check that it is entitled to this function.",
      record, endpoint);
  f.evidence.emplace_back("known_callers", std::to_string(known.callers.size() - 1));
  sink.Report(f);
}

}  // namespace apisensor::detectors
