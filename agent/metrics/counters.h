// The agent's counters (kernel drops, parser and reassembly losses, evictions, output) as one
// flat list, rendered for the exit report (JSON) and for Prometheus scrapes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "agent/capture/bpf_capture.h"
#include "agent/pipeline/pipeline.h"

namespace apisensor::metrics {

struct Counter {
  Counter() = default;
  Counter(std::string name, std::string help, uint64_t value, bool gauge = false,
          std::string labels = {})
      : name(std::move(name)),
        help(std::move(help)),
        value(value),
        gauge(gauge),
        labels(std::move(labels)) {}

  std::string name;  // snake_case, without the apisensor_ prefix
  std::string help;
  uint64_t value = 0;
  bool gauge = false;
  // Prometheus labels, already formatted (`sink="siem"`, see Label()); counters that share a name
  // share help and type.
  std::string labels;
};

// `name="value"` with the value escaped as the Prometheus text format requires.
std::string Label(std::string_view name, std::string_view value);

std::vector<Counter> CollectCounters(const pipeline::Pipeline& pipeline,
                                     const capture::CaptureCounters& capture);

std::string RenderJson(const std::vector<Counter>& counters);
std::string RenderPrometheus(const std::vector<Counter>& counters);

// Hands the latest counters and status from the capture thread to the metrics thread. Published
// about once a second, so the lock is never on the per-event path. Publishing is also the main
// loop's heartbeat: a loop that stopped publishing is stuck, and the health check says so.
class CounterBoard {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // A loop that has not published for this long is reported stalled (liveness fails).
  static constexpr std::chrono::seconds kStalledAfter{30};

  explicit CounterBoard(Clock clock = std::chrono::steady_clock::now) : clock_(std::move(clock)) {}

  void Publish(std::vector<Counter> counters, std::string status_json) {
    const auto now = clock_();
    std::lock_guard lock(mu_);
    counters_ = std::move(counters);
    status_json_ = std::move(status_json);
    last_publish_ = now;
  }
  // "" while the publishing loop is alive (or has not started); otherwise one sentence saying
  // how long it has been silent.
  std::string StallReport() const {
    const auto now = clock_();
    std::lock_guard lock(mu_);
    if (last_publish_ == std::chrono::steady_clock::time_point{}) return {};
    const auto silent = std::chrono::duration_cast<std::chrono::seconds>(now - last_publish_);
    if (silent < kStalledAfter) return {};
    return "the main loop has not made progress for " + std::to_string(silent.count()) +
           " s (capture or pipeline stuck)";
  }
  std::vector<Counter> Snapshot() const {
    std::lock_guard lock(mu_);
    return counters_;
  }
  std::string StatusJson() const {
    std::lock_guard lock(mu_);
    return status_json_;
  }

 private:
  Clock clock_;
  mutable std::mutex mu_;
  std::vector<Counter> counters_;
  std::string status_json_ = "{}";
  std::chrono::steady_clock::time_point last_publish_{};
};

// The agent's state for `apisensor status` (GET /status): the TLS libraries it found, probed or
// not (with why), and every counter.
std::string RenderStatusJson(const std::vector<Counter>& counters,
                             const std::vector<capture::TlsLibrary>& tls_libraries);

}  // namespace apisensor::metrics
