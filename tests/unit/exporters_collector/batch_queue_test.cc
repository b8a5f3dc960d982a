#include "exporters/collector/batch_queue.h"

#include <gtest/gtest.h>

namespace apisensor::exporters {
namespace {

QueuedBatch Batch(uint64_t sequence, size_t bytes, size_t items = 1, bool full = false) {
  return {sequence, full, items, std::make_shared<const std::string>(bytes, 'x')};
}

TEST(BatchQueue, FullByBytesDropsTheOldestAndReportsWhatTheyHeld) {
  BatchQueue q(1000, 100);
  EXPECT_FALSE(q.Push(Batch(1, 400, 3)).any());
  EXPECT_FALSE(q.Push(Batch(2, 400, 5)).any());
  const QueueLoss lost = q.Push(Batch(3, 400, 7));
  EXPECT_EQ(lost.batches, 1u);
  EXPECT_EQ(lost.items, 3u);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.bytes(), 800u);
  EXPECT_EQ(q.front().sequence, 2u);
}

TEST(BatchQueue, FullByCount) {
  BatchQueue q(1 << 20, 2);
  q.Push(Batch(1, 10));
  q.Push(Batch(2, 10));
  EXPECT_EQ(q.Push(Batch(3, 10)).batches, 1u);
  EXPECT_EQ(q.front().sequence, 2u);
  EXPECT_EQ(q.size(), 2u);
}

TEST(BatchQueue, ABatchLargerThanTheCapIsKeptAlone) {
  BatchQueue q(1000, 100);
  q.Push(Batch(1, 300));
  q.Push(Batch(2, 300));
  const QueueLoss lost = q.Push(Batch(3, 5000, 9, true));
  EXPECT_EQ(lost.batches, 2u);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.bytes(), 5000u);
  // The next one makes it go.
  EXPECT_EQ(q.Push(Batch(4, 10)).items, 9u);
  EXPECT_EQ(q.bytes(), 10u);
}

TEST(BatchQueue, RemoveThroughAndFirstFrom) {
  BatchQueue q(1 << 20, 100);
  for (uint64_t s : {3, 4, 7, 8}) q.Push(Batch(s, 10));
  EXPECT_EQ(q.FirstFrom(1)->sequence, 3u);
  EXPECT_EQ(q.FirstFrom(5)->sequence, 7u);
  EXPECT_EQ(q.FirstFrom(9), nullptr);
  EXPECT_EQ(q.RemoveThrough(2), 0u);
  EXPECT_EQ(q.RemoveThrough(7), 3u);
  EXPECT_EQ(q.front().sequence, 8u);
  EXPECT_EQ(q.bytes(), 10u);
  EXPECT_EQ(q.RemoveThrough(100), 1u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(BatchQueue, TracksWhetherAFullSnapshotIsQueued) {
  BatchQueue q(1000, 100);
  q.Push(Batch(1, 400, 1, true));
  q.Push(Batch(2, 400));
  EXPECT_TRUE(q.HasFullSnapshot());
  q.Push(Batch(3, 400));  // drops the snapshot
  EXPECT_FALSE(q.HasFullSnapshot());
  q.Push(Batch(4, 100, 1, true));
  EXPECT_TRUE(q.HasFullSnapshot());
  const QueueLoss all = q.DropAll();
  EXPECT_EQ(all.batches, 3u);
  EXPECT_FALSE(q.HasFullSnapshot());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(BatchQueue, DropTakesOneBatchFromAnywhere) {
  BatchQueue q(1000, 100);
  q.Push(Batch(1, 100, 2));
  q.Push(Batch(2, 200, 3, /*full=*/true));
  q.Push(Batch(3, 300, 4));
  EXPECT_FALSE(q.Drop(7).any());
  const QueueLoss lost = q.Drop(2);
  EXPECT_EQ(lost.batches, 1u);
  EXPECT_EQ(lost.items, 3u);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.bytes(), 400u);
  EXPECT_FALSE(q.HasFullSnapshot());
  EXPECT_EQ(q.FirstFrom(2)->sequence, 3u);
  EXPECT_FALSE(q.Drop(2).any());
}

}  // namespace
}  // namespace apisensor::exporters
