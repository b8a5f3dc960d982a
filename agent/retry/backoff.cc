#include "agent/retry/backoff.h"

#include <algorithm>

namespace apisensor::retry {
namespace {

// splitmix64: neighbouring seeds (pids, addresses, clocks) give unrelated generator states.
uint32_t MixSeed(uint64_t seed) {
  seed += 0x9e3779b97f4a7c15ULL;
  seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
  seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<uint32_t>((seed ^ (seed >> 31)) % 2147483646ULL) + 1;
}

}  // namespace

Backoff::Backoff(uint64_t initial_ms, uint64_t max_ms, uint64_t seed)
    : initial_ms_(std::max<uint64_t>(initial_ms, 1)),
      max_ms_(std::max(max_ms, initial_ms_)),
      rng_(MixSeed(seed)) {}

uint64_t Backoff::NextDelayMs() {
  // Compared before shifting, so no initial delay or attempt count can overflow into a short wait.
  const uint64_t ceiling =
      attempt_ >= 63 || initial_ms_ > (max_ms_ >> attempt_) ? max_ms_ : initial_ms_ << attempt_;
  ++attempt_;
  std::uniform_int_distribution<uint64_t> jitter(ceiling / 2, ceiling);
  return jitter(rng_);
}

}  // namespace apisensor::retry
