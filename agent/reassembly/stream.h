#ifndef APISENSOR_AGENT_REASSEMBLY_STREAM_H_
#define APISENSOR_AGENT_REASSEMBLY_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "agent/reassembly/seq_unwrapper.h"

namespace apisensor::reassembly {

struct StreamLimits {
  size_t max_buffered_bytes = 256 * 1024;  // out-of-order payload bytes held per direction
  size_t max_pending_chunks = 64;
  uint64_t reorder_timeout_ns = 200'000'000;  // how long a hole is waited for
};

struct StreamStats {
  uint64_t delivered_bytes = 0;      // bytes handed to OnBytes
  uint64_t gap_bytes = 0;            // bytes handed to OnGap: holes, truncation and fillers
  uint64_t truncated_bytes = 0;      // size - captured of chunks that carried some payload
  uint64_t filler_bytes = 0;         // size of chunks that carried no payload at all
  uint64_t reordered_chunks = 0;     // chunks that arrived ahead of the expected position
  uint64_t duplicate_bytes = 0;      // bytes dropped because they were already delivered/reported
  uint64_t holes_timed_out = 0;      // holes given up on by Expire
  uint64_t holes_forced_by_cap = 0;  // holes given up on because pending storage was full
};

// Receives one direction's bytes in TCP order. Every position of the stream from the first
// chunk on is reported exactly once, either as bytes or inside a gap, up to the last position
// delivered. Callbacks must not re-enter the Stream.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // The span is valid only during the call.
  virtual void OnBytes(std::span<const uint8_t> bytes, uint64_t ts_ns) = 0;
  // `missing` bytes exist in the TCP stream at this point but will never be delivered.
  virtual void OnGap(uint64_t missing, uint64_t ts_ns) = 0;
};

// One direction of one TCP connection. Positions are unwrapped to 64 bits relative to the first
// chunk seen, so 2^32 wrap-around (including a stream starting just below it) is transparent.
class Stream {
 public:
  explicit Stream(const StreamLimits& limits = {}) : limits_(limits) {}

  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  Stream(Stream&&) = default;
  Stream& operator=(Stream&&) = default;

  // `seq` is the TCP position of the first byte, `size` the true length of the syscall and
  // `captured` the payload actually present (a prefix of it; empty for fillers).
  void Add(uint32_t seq, uint32_t size, std::span<const uint8_t> captured, uint64_t ts_ns,
           StreamSink& sink);
  // Gives up on the hole at the expected position once data behind it has waited longer than
  // the reorder timeout, reports it as a gap and delivers what became contiguous.
  void Expire(uint64_t now_ns, StreamSink& sink);
  // Connection ended: reports every remaining hole as a gap and delivers everything held.
  void Drain(StreamSink& sink);

  // Payload bytes currently held for out-of-order chunks.
  size_t buffered_bytes() const { return buffered_bytes_; }
  size_t pending_chunks() const { return pending_.size(); }
  const StreamStats& stats() const { return stats_; }

 private:
  struct Pending {
    int64_t pos;
    uint32_t size;
    std::vector<uint8_t> data;  // captured prefix, data.size() <= size
    uint64_t ts_ns;
  };

  enum class HoleReason { kTimeout, kCap, kDrain };

  // Reports [pos, pos + size) minus what was already delivered; `captured` is its prefix.
  void Deliver(int64_t pos, uint32_t size, std::span<const uint8_t> captured, uint64_t ts_ns,
               StreamSink& sink);
  void Hold(int64_t pos, uint32_t size, std::span<const uint8_t> captured, uint64_t ts_ns);
  // Delivers pending chunks as long as they touch or overlap the expected position.
  void DeliverContiguous(StreamSink& sink);
  // Declares the hole in front of the first pending chunk lost and delivers what follows.
  void ForceFirstHole(HoleReason reason, StreamSink& sink);
  void EnforceCaps(StreamSink& sink);
  uint64_t OldestPendingTs() const;

  StreamLimits limits_;
  StreamStats stats_;
  std::optional<SeqUnwrapper> unwrapper_;  // set by the first chunk
  int64_t next_ = 0;                       // first position not yet delivered or reported
  std::vector<Pending> pending_;           // sorted by pos, ties in arrival order
  size_t buffered_bytes_ = 0;
};

}  // namespace apisensor::reassembly

#endif  // APISENSOR_AGENT_REASSEMBLY_STREAM_H_
