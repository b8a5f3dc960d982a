#include "agent/reassembly/seq_unwrapper.h"

namespace apisensor::reassembly {

int64_t SeqUnwrapper::Unwrap(uint32_t seq, int64_t reference) const {
  // Modular subtraction on uint32 is exact; reinterpreting the difference as int32 picks the
  // shorter way round the circle, which is the whole unwrapping rule.
  const uint32_t relative = seq - origin_;
  const uint32_t reference_low = static_cast<uint32_t>(static_cast<uint64_t>(reference));
  const int32_t delta = static_cast<int32_t>(relative - reference_low);
  return reference + delta;
}

}  // namespace apisensor::reassembly
