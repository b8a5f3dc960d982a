// The agent's counters (kernel drops, parser and reassembly losses, evictions, output) as one
// flat list, rendered for the exit report (JSON) and for Prometheus scrapes.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "agent/capture/bpf_capture.h"
#include "agent/pipeline/pipeline.h"

namespace apisensor::metrics {

struct Counter {
  std::string name;  // snake_case, without the apisensor_ prefix
  std::string help;
  uint64_t value = 0;
  bool gauge = false;
};

std::vector<Counter> CollectCounters(const pipeline::Pipeline& pipeline,
                                     const capture::CaptureCounters& capture);

std::string RenderJson(const std::vector<Counter>& counters);
std::string RenderPrometheus(const std::vector<Counter>& counters);

// Hands the latest counters from the capture thread to the metrics thread. Published about
// once a second, so the lock is never on the per-event path.
class CounterBoard {
 public:
  void Publish(std::vector<Counter> counters) {
    std::lock_guard lock(mu_);
    counters_ = std::move(counters);
  }
  std::vector<Counter> Snapshot() const {
    std::lock_guard lock(mu_);
    return counters_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Counter> counters_;
};

}  // namespace apisensor::metrics
