#include "agent/inventory/latency_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace apisensor::inventory {
namespace {

uint64_t ExactQuantile(std::vector<uint64_t> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

void ExpectWithinAccuracy(uint64_t got, uint64_t want) {
  const double tolerance = LatencySketch::kRelativeAccuracy * static_cast<double>(want) + 1;
  EXPECT_NEAR(static_cast<double>(got), static_cast<double>(want), tolerance);
}

TEST(LatencySketch, EmptyIsZero) {
  LatencySketch s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.Quantile(0.5), 0u);
}

TEST(LatencySketch, QuantilesWithinRelativeAccuracyOnAHeavyTail) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(13.0, 1.2);  // ~0.4 ms median, long tail
  std::vector<uint64_t> values;
  LatencySketch s;
  for (int i = 0; i < 50000; ++i) {
    const auto v = static_cast<uint64_t>(latency(rng));
    values.push_back(v);
    s.Add(v);
  }
  EXPECT_EQ(s.count(), values.size());
  for (double q : {0.5, 0.95, 0.99}) ExpectWithinAccuracy(s.Quantile(q), ExactQuantile(values, q));
  EXPECT_LT(s.buckets().size(), 400u);  // bounded by the value range, not by the count
}

TEST(LatencySketch, MergeEqualsObservingEverything) {
  LatencySketch a, b, all;
  for (uint64_t v = 1; v < 5000; v += 7) {
    (v % 2 ? a : b).Add(v * 1000);
    all.Add(v * 1000);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_TRUE(std::equal(a.buckets().begin(), a.buckets().end(), all.buckets().begin(),
                         all.buckets().end()));
}

TEST(LatencySketch, ExtremesHaveABucket) {
  LatencySketch s;
  s.Add(0);
  s.Add(UINT64_MAX);
  EXPECT_EQ(s.count(), 2u);
  EXPECT_EQ(s.Quantile(0), 0u);
  EXPECT_GT(s.Quantile(1), 1'000'000'000'000'000'000ULL);
}

TEST(LatencySketch, FromBucketsRejectsDisorderAndEmptyBuckets) {
  LatencySketch s;
  const LatencySketch::Bucket sorted[] = {{3, 1}, {9, 2}};
  ASSERT_TRUE(LatencySketch::FromBuckets(sorted, s));
  EXPECT_EQ(s.count(), 3u);
  const LatencySketch::Bucket unsorted[] = {{9, 1}, {3, 2}};
  const LatencySketch::Bucket empty_bucket[] = {{3, 0}};
  const LatencySketch::Bucket out_of_range[] = {{60000, 1}};
  EXPECT_FALSE(LatencySketch::FromBuckets(unsorted, s));
  EXPECT_FALSE(LatencySketch::FromBuckets(empty_bucket, s));
  EXPECT_FALSE(LatencySketch::FromBuckets(out_of_range, s));
  EXPECT_EQ(s.count(), 3u);  // untouched by a refused input
}

}  // namespace
}  // namespace apisensor::inventory
