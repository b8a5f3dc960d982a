// Runs one sink on its own thread behind a bounded queue, so a slow or unreachable destination
// never holds up the agent: Offer() never blocks (a full queue drops the newest items, counted),
// the worker batches, retries transient failures with exponential backoff and jitter, and every
// item ends up counted exactly once as delivered, rejected or dropped (and why).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "agent/metrics/counters.h"
#include "agent/retry/backoff.h"
#include "exporters/core/sink.h"
#include "exporters/core/sink_options.h"

namespace apisensor::exporters {

struct SinkStats {
  uint64_t offered = 0;  // items this sink accepts by its filter
  uint64_t delivered = 0;
  uint64_t rejected = 0;   // refused for good by the destination
  uint64_t skipped = 0;    // the sink's format cannot express them (not counted as delivered)
  uint64_t truncated = 0;  // delivered, cut to the destination's size limit
  uint64_t dropped_queue_full = 0;
  uint64_t dropped_rate_limited = 0;
  uint64_t dropped_at_shutdown = 0;  // still queued or retrying when the drain time ran out
  uint64_t retries = 0;              // failed attempts that were retried
  uint64_t queued = 0;               // now
  bool failing = false;              // the last attempt failed
};

using retry::Backoff;

// At most `rate` items a second on average, with bursts of one second's worth.
class TokenBucket {
 public:
  explicit TokenBucket(double rate) : rate_(rate), tokens_(rate) {}
  bool Take(uint64_t now_ns);

 private:
  double rate_;
  double tokens_;
  uint64_t last_ns_ = 0;
};

class SinkRunner {
 public:
  using Log = std::function<void(const std::string&)>;

  // Starts the worker. `log` receives one line when the sink starts failing and one when it
  // recovers (never one per retry); by default it writes to stderr.
  SinkRunner(SinkOptions options, std::unique_ptr<Sink> sink, Log log = {});
  // Stops after draining what is queued for at most options.drain_timeout_ms from RequestStop().
  ~SinkRunner();
  // Starts the drain without waiting, so several sinks drain at once.
  void RequestStop();
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  const SinkOptions& options() const { return options_; }

  // Queues what passes the sink's filter and rate limit; never blocks on the destination.
  void Offer(std::span<const ExportItemPtr> items);
  SinkStats stats() const;
  std::string last_error() const;
  // The counters of this sink, labelled sink="<name>".
  void AppendCounters(std::vector<metrics::Counter>& out) const;
  // Blocks until the queue is empty and nothing is in flight, or the timeout (for tests).
  bool WaitIdle(uint64_t timeout_ms) const;

 private:
  bool Accepts(const ExportItem& item) const;
  void Run();
  void Deliver(std::vector<ExportItemPtr>& batch);
  void NoteOutcome(const DeliveryResult& result);

  const SinkOptions options_;
  std::unique_ptr<Sink> sink_;
  Log log_;

  mutable std::mutex mu_;
  mutable std::condition_variable wake_;  // items arrived, or stop
  mutable std::condition_variable idle_;  // queue drained (WaitIdle)
  std::deque<ExportItemPtr> queue_;
  bool stopping_ = false;
  bool in_flight_ = false;
  uint64_t drain_deadline_ns_ = 0;
  TokenBucket rate_;
  SinkStats stats_;
  std::string last_error_;
  std::thread worker_;
};

}  // namespace apisensor::exporters
