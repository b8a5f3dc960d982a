// Exponential backoff with jitter, shared by everything that reconnects: SIEM sinks, the
// collector client, the Kubernetes API watches. Attempt n waits a random time in [d/2, d] where
// d = min(max, initial × 2^n), so the agents of every node that lost the same destination at
// once do not come back in step.
#pragma once

#include <cstdint>
#include <random>

namespace apisensor::retry {

class Backoff {
 public:
  // `seed` should differ between processes (pid, instance id, clock): neighbouring seeds are
  // mixed, so they still give unrelated delays.
  Backoff(uint64_t initial_ms, uint64_t max_ms, uint64_t seed);
  uint64_t NextDelayMs();
  void Reset() { attempt_ = 0; }

 private:
  uint64_t initial_ms_;
  uint64_t max_ms_;
  uint32_t attempt_ = 0;
  std::minstd_rand rng_;
};

}  // namespace apisensor::retry
