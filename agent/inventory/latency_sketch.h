// Latency quantiles with a bounded relative error that merge exactly: DDSketch's log-spaced
// buckets. Merging two sketches gives the sketch of the union of their values, which is what the
// collector needs to combine one endpoint's figures from many nodes, and what a t-digest or a
// reservoir cannot promise.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace apisensor::inventory {

class LatencySketch {
 public:
  // Every quantile is within 2 % of a value the sketch was given.
  static constexpr double kRelativeAccuracy = 0.02;

  struct Bucket {
    uint16_t index;  // value ≈ gamma^index; 0 holds values below 1 ns
    uint64_t count;
    bool operator==(const Bucket&) const = default;
  };

  void Add(uint64_t value_ns);
  void Merge(const LatencySketch& other);
  uint64_t count() const { return count_; }
  // The value at quantile q (0..1) within kRelativeAccuracy; 0 when empty.
  uint64_t Quantile(double q) const;

  // Sorted by index; for storage. FromBuckets rejects unsorted or out-of-range input.
  std::span<const Bucket> buckets() const { return buckets_; }
  static bool FromBuckets(std::span<const Bucket> buckets, LatencySketch& out);

  size_t MemoryBytes() const { return buckets_.capacity() * sizeof(Bucket); }

 private:
  void AddToBucket(uint16_t index, uint64_t n);

  std::vector<Bucket> buckets_;  // a few dozen for one endpoint: latencies cluster
  uint64_t count_ = 0;
};

}  // namespace apisensor::inventory
