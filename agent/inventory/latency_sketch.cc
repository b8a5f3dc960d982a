#include "agent/inventory/latency_sketch.h"

#include <algorithm>
#include <cmath>

namespace apisensor::inventory {
namespace {

constexpr double kGamma =
    (1 + LatencySketch::kRelativeAccuracy) / (1 - LatencySketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);
// gamma^1100 is beyond 10^19 ns, more than any uint64_t: every value has an index.
constexpr uint16_t kMaxIndex = 1100;

uint16_t IndexOf(uint64_t value) {
  if (value < 1) return 0;
  const double index = std::ceil(std::log(static_cast<double>(value)) / kLogGamma);
  return static_cast<uint16_t>(std::clamp(index, 1.0, static_cast<double>(kMaxIndex)));
}

// The representative of a bucket: the point of (gamma^(i-1), gamma^i] with the smallest
// relative distance to both ends.
uint64_t ValueOf(uint16_t index) {
  if (index == 0) return 0;
  return static_cast<uint64_t>(2 * std::pow(kGamma, index) / (kGamma + 1));
}

}  // namespace

void LatencySketch::AddToBucket(uint16_t index, uint64_t n) {
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), index,
                             [](const Bucket& b, uint16_t i) { return b.index < i; });
  if (it != buckets_.end() && it->index == index) {
    it->count += n;
  } else {
    buckets_.insert(it, Bucket{index, n});
  }
  count_ += n;
}

void LatencySketch::Add(uint64_t value_ns) { AddToBucket(IndexOf(value_ns), 1); }

void LatencySketch::Merge(const LatencySketch& other) {
  for (const Bucket& b : other.buckets_) AddToBucket(b.index, b.count);
}

uint64_t LatencySketch::Quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the q-quantile, as in DDSketch: the value below which q of the values lie.
  const uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_ - 1));
  uint64_t seen = 0;
  for (const Bucket& b : buckets_) {
    seen += b.count;
    if (seen > rank) return ValueOf(b.index);
  }
  return ValueOf(buckets_.back().index);
}

bool LatencySketch::FromBuckets(std::span<const Bucket> buckets, LatencySketch& out) {
  LatencySketch sketch;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    if (b.index > kMaxIndex || b.count == 0) return false;
    if (i > 0 && buckets[i - 1].index >= b.index) return false;
    sketch.buckets_.push_back(b);
    sketch.count_ += b.count;
  }
  out = std::move(sketch);
  return true;
}

}  // namespace apisensor::inventory
