// The batches the collector has not acknowledged yet, oldest first, serialized. Bounded by bytes
// and by count: making room drops the oldest, and the caller counts what it lost. Not
// thread-safe: the client guards it with its own lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace apisensor::exporters {

struct QueuedBatch {
  uint64_t sequence = 0;
  bool full_snapshot = false;
  size_t items = 0;                            // endpoints, ids, services, findings, exchanges
  std::shared_ptr<const std::string> message;  // a serialized AgentMessage holding the batch
};

struct QueueLoss {
  uint64_t batches = 0;
  uint64_t items = 0;
  bool any() const { return batches > 0; }
  QueueLoss& operator+=(const QueueLoss& o) {
    batches += o.batches;
    items += o.items;
    return *this;
  }
};

class BatchQueue {
 public:
  BatchQueue(size_t max_bytes, size_t max_batches)
      : max_bytes_(max_bytes), max_batches_(max_batches) {}

  // Appends `batch` (sequences must increase), dropping the oldest batches until it fits. A batch
  // larger than max_bytes on its own is still kept, alone: the queue never holds more than
  // max(max_bytes, the largest batch).
  QueueLoss Push(QueuedBatch batch);
  // Forgets every batch up to and including `sequence` (the collector stored them); returns how
  // many there were.
  size_t RemoveThrough(uint64_t sequence);
  // The oldest batch whose sequence is at least `sequence`, or nullptr.
  const QueuedBatch* FirstFrom(uint64_t sequence) const;
  QueueLoss DropFront();
  // Drops the batch with this sequence, wherever it is (one that cannot be sent).
  QueueLoss Drop(uint64_t sequence);
  QueueLoss DropAll();

  bool empty() const { return batches_.empty(); }
  size_t size() const { return batches_.size(); }
  size_t bytes() const { return bytes_; }
  const QueuedBatch& front() const { return batches_.front(); }
  bool HasFullSnapshot() const { return full_snapshots_ > 0; }
  uint64_t last_sequence() const { return batches_.empty() ? 0 : batches_.back().sequence; }

 private:
  void PopFront();

  const size_t max_bytes_;
  const size_t max_batches_;
  std::deque<QueuedBatch> batches_;
  size_t bytes_ = 0;
  size_t full_snapshots_ = 0;
};

}  // namespace apisensor::exporters
