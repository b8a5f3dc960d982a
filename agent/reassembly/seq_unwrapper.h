#ifndef APISENSOR_AGENT_REASSEMBLY_SEQ_UNWRAPPER_H_
#define APISENSOR_AGENT_REASSEMBLY_SEQ_UNWRAPPER_H_

#include <cstdint>

namespace apisensor::reassembly {

// Maps 32-bit TCP positions, which wrap at 2^32, onto a signed 64-bit axis whose zero is the
// first byte of the stream. Positions before the origin come out negative instead of wrapping
// to a huge value, so "older than the start" stays an ordinary comparison.
class SeqUnwrapper {
 public:
  explicit SeqUnwrapper(uint32_t origin) : origin_(origin) {}

  // Returns the 64-bit position nearest to `reference` whose low 32 bits (relative to the
  // origin) equal `seq`. Unambiguous while `seq` lies within 2^31 bytes of `reference`; the
  // caller passes the position it currently expects, which keeps that window centred on the
  // live part of the stream.
  int64_t Unwrap(uint32_t seq, int64_t reference) const;

  uint32_t origin() const { return origin_; }

 private:
  uint32_t origin_;
};

}  // namespace apisensor::reassembly

#endif  // APISENSOR_AGENT_REASSEMBLY_SEQ_UNWRAPPER_H_
