#include "exporters/collector/batch_queue.h"

#include <algorithm>

namespace apisensor::exporters {

QueueLoss BatchQueue::Push(QueuedBatch batch) {
  QueueLoss lost;
  const size_t size = batch.message->size();
  while (!batches_.empty() && (bytes_ + size > max_bytes_ || batches_.size() + 1 > max_batches_)) {
    lost += DropFront();
  }
  bytes_ += size;
  if (batch.full_snapshot) ++full_snapshots_;
  batches_.push_back(std::move(batch));
  return lost;
}

size_t BatchQueue::RemoveThrough(uint64_t sequence) {
  size_t removed = 0;
  while (!batches_.empty() && batches_.front().sequence <= sequence) {
    PopFront();
    ++removed;
  }
  return removed;
}

const QueuedBatch* BatchQueue::FirstFrom(uint64_t sequence) const {
  auto it = std::lower_bound(batches_.begin(), batches_.end(), sequence,
                             [](const QueuedBatch& b, uint64_t s) { return b.sequence < s; });
  return it == batches_.end() ? nullptr : &*it;
}

QueueLoss BatchQueue::DropFront() {
  QueueLoss lost;
  if (batches_.empty()) return lost;
  lost.batches = 1;
  lost.items = batches_.front().items;
  PopFront();
  return lost;
}

QueueLoss BatchQueue::Drop(uint64_t sequence) {
  QueueLoss lost;
  auto it = std::lower_bound(batches_.begin(), batches_.end(), sequence,
                             [](const QueuedBatch& b, uint64_t s) { return b.sequence < s; });
  if (it == batches_.end() || it->sequence != sequence) return lost;
  lost.batches = 1;
  lost.items = it->items;
  bytes_ -= it->message->size();
  if (it->full_snapshot) --full_snapshots_;
  batches_.erase(it);
  return lost;
}

QueueLoss BatchQueue::DropAll() {
  QueueLoss lost;
  while (!batches_.empty()) lost += DropFront();
  return lost;
}

void BatchQueue::PopFront() {
  bytes_ -= batches_.front().message->size();
  if (batches_.front().full_snapshot) --full_snapshots_;
  batches_.pop_front();
}

}  // namespace apisensor::exporters
