// Decides whether a chunk of a direction that lost sync begins an HTTP/1 message. Syscall
// boundaries usually fall on message boundaries, so only chunk starts are examined; a start that
// is split over several tiny chunks is buffered here (a few bytes at most) until it is decided.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace apisensor::http1 {

class MessageStartProbe {
 public:
  // Longest method token accepted (llhttp's longest is 11, "UNSUBSCRIBE"); anything longer is
  // taken as garbage.
  static constexpr size_t kMaxMethodLength = 20;

  enum class Verdict : uint8_t { kNeedMore, kMatch, kNoMatch };

  explicit MessageStartProbe(bool request_direction) : request_(request_direction) {}

  // Continues the examination with `bytes` (the next chunk of the stream). On kNeedMore every byte
  // of `bytes` has been buffered; on kMatch/kNoMatch nothing of `bytes` was, and buffered() still
  // holds the prefix seen before (the caller replays or discards it, then calls Clear()).
  Verdict Feed(std::span<const uint8_t> bytes);

  std::span<const uint8_t> buffered() const { return {buffer_.data(), size_}; }
  bool empty() const { return size_ == 0; }
  void Clear() { size_ = 0; }

 private:
  // Verdict for `c` at offset `pos` of the candidate start.
  Verdict Classify(size_t pos, uint8_t c) const;

  bool request_;
  size_t size_ = 0;
  std::array<uint8_t, kMaxMethodLength + 1> buffer_{};
};

}  // namespace apisensor::http1
