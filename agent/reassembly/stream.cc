#include "agent/reassembly/stream.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace apisensor::reassembly {

void Stream::Add(uint32_t seq, uint32_t size, std::span<const uint8_t> captured, uint64_t ts_ns,
                 StreamSink& sink) {
  // A zero-length event carries no position information worth anchoring the stream on.
  if (size == 0) return;
  // The kernel never ships more than `size`, but a corrupt record must not make us report bytes
  // beyond the syscall's range.
  if (captured.size() > size) captured = captured.first(size);
  if (!unwrapper_) unwrapper_.emplace(seq);

  // Unwrapping around the expected position keeps the +-2 GiB ambiguity window on live data.
  const int64_t pos = unwrapper_->Unwrap(seq, next_);
  const int64_t end = pos + static_cast<int64_t>(size);
  if (end <= next_) {
    stats_.duplicate_bytes += size;
    return;
  }
  if (pos <= next_) {
    // Fast path: straight from the caller's buffer, no copy.
    Deliver(pos, size, captured, ts_ns, sink);
    DeliverContiguous(sink);
    return;
  }
  Hold(pos, size, captured, ts_ns);
  EnforceCaps(sink);
}

void Stream::Expire(uint64_t now_ns, StreamSink& sink) {
  while (!pending_.empty()) {
    const uint64_t oldest = OldestPendingTs();
    // Timestamps come from different CPUs; a slightly "future" chunk has simply not waited yet.
    if (now_ns < oldest || now_ns - oldest < limits_.reorder_timeout_ns) break;
    ForceFirstHole(HoleReason::kTimeout, sink);
  }
}

void Stream::Drain(StreamSink& sink) {
  while (!pending_.empty()) ForceFirstHole(HoleReason::kDrain, sink);
}

void Stream::Deliver(int64_t pos, uint32_t size, std::span<const uint8_t> captured, uint64_t ts_ns,
                     StreamSink& sink) {
  // Whatever precedes next_ was already delivered or reported as a gap; reporting it again
  // would shift every later byte the parser sees.
  const uint64_t skip = static_cast<uint64_t>(next_ - pos);
  stats_.duplicate_bytes += skip;
  next_ = pos + static_cast<int64_t>(size);

  if (skip < captured.size()) {
    const auto bytes = captured.subspan(skip);
    stats_.delivered_bytes += bytes.size();
    sink.OnBytes(bytes, ts_ns);
  }
  const uint64_t missing = size - std::max<uint64_t>(skip, captured.size());
  if (missing == 0) return;
  // The bytes exist in TCP, only the capture cap dropped them: the parser can still count them
  // inside a known-length body, so they are a gap rather than a loss of sync.
  (captured.empty() ? stats_.filler_bytes : stats_.truncated_bytes) += missing;
  stats_.gap_bytes += missing;
  sink.OnGap(missing, ts_ns);
}

void Stream::Hold(int64_t pos, uint32_t size, std::span<const uint8_t> captured, uint64_t ts_ns) {
  const int64_t end = pos + static_cast<int64_t>(size);
  const int64_t captured_end = pos + static_cast<int64_t>(captured.size());
  for (const Pending& p : pending_) {
    const int64_t p_end = p.pos + static_cast<int64_t>(p.size);
    const int64_t p_captured_end = p.pos + static_cast<int64_t>(p.data.size());
    // A retransmission we already hold at least as well adds nothing but memory pressure.
    if (p.pos <= pos && p_end >= end && p_captured_end >= captured_end) {
      stats_.duplicate_bytes += size;
      return;
    }
  }
  ++stats_.reordered_chunks;
  // Among chunks starting at the same position the one with more payload goes first, so the
  // poorer copy is the one trimmed as a duplicate on delivery.
  const auto it = std::upper_bound(
      pending_.begin(), pending_.end(), std::pair{pos, captured.size()},
      [](const std::pair<int64_t, size_t>& key, const Pending& p) {
        return key.first < p.pos || (key.first == p.pos && key.second > p.data.size());
      });
  pending_.insert(it, Pending{pos, size, {captured.begin(), captured.end()}, ts_ns});
  buffered_bytes_ += captured.size();
}

void Stream::DeliverContiguous(StreamSink& sink) {
  size_t done = 0;
  for (; done < pending_.size() && pending_[done].pos <= next_; ++done) {
    const Pending& p = pending_[done];
    if (p.pos + static_cast<int64_t>(p.size) <= next_) {
      stats_.duplicate_bytes += p.size;
    } else {
      Deliver(p.pos, p.size, p.data, p.ts_ns, sink);
    }
    buffered_bytes_ -= p.data.size();
  }
  // Erase only after the callbacks: the sink was reading straight out of these buffers.
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(done));
}

void Stream::ForceFirstHole(HoleReason reason, StreamSink& sink) {
  const Pending& first = pending_.front();
  const uint64_t missing = static_cast<uint64_t>(first.pos - next_);
  switch (reason) {
    case HoleReason::kTimeout:
      ++stats_.holes_timed_out;
      break;
    case HoleReason::kCap:
      ++stats_.holes_forced_by_cap;
      break;
    case HoleReason::kDrain:
      break;
  }
  stats_.gap_bytes += missing;
  next_ = first.pos;
  sink.OnGap(missing, first.ts_ns);
  DeliverContiguous(sink);
}

void Stream::EnforceCaps(StreamSink& sink) {
  while (!pending_.empty() && (buffered_bytes_ > limits_.max_buffered_bytes ||
                               pending_.size() > limits_.max_pending_chunks)) {
    ForceFirstHole(HoleReason::kCap, sink);
  }
}

uint64_t Stream::OldestPendingTs() const {
  // Any hole in front of held data has existed at least since that data arrived, so the hole's
  // age is the age of the oldest held chunk.
  uint64_t oldest = std::numeric_limits<uint64_t>::max();
  for (const Pending& p : pending_) oldest = std::min(oldest, p.ts_ns);
  return oldest;
}

}  // namespace apisensor::reassembly
