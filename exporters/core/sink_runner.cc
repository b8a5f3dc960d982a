#include "exporters/core/sink_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace apisensor::exporters {
namespace {

uint64_t NowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

void LogToStderr(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

}  // namespace

bool TokenBucket::Take(uint64_t now_ns) {
  if (rate_ <= 0) return true;
  if (last_ns_ != 0) {
    tokens_ = std::min(rate_, tokens_ + rate_ * static_cast<double>(now_ns - last_ns_) / 1e9);
  }
  last_ns_ = now_ns;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

SinkRunner::SinkRunner(SinkOptions options, std::unique_ptr<Sink> sink, Log log)
    : options_(std::move(options)),
      sink_(std::move(sink)),
      log_(log ? std::move(log) : Log(LogToStderr)),
      rate_(options_.rate_limit_per_s) {
  worker_ = std::thread([this] { Run(); });
}

SinkRunner::~SinkRunner() {
  RequestStop();
  worker_.join();
}

void SinkRunner::RequestStop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    drain_deadline_ns_ = NowNs() + options_.drain_timeout_ms * 1'000'000;
  }
  wake_.notify_all();
}

bool SinkRunner::Accepts(const ExportItem& item) const {
  if (const auto* finding = std::get_if<findings::Finding>(&item)) {
    return options_.Accepts(*finding);
  }
  return options_.exchanges;
}

void SinkRunner::Offer(std::span<const ExportItemPtr> items) {
  size_t added = 0;
  {
    std::lock_guard lock(mu_);
    const uint64_t now = NowNs();
    for (const ExportItemPtr& item : items) {
      if (!Accepts(*item)) continue;
      ++stats_.offered;
      if (!rate_.Take(now)) {
        ++stats_.dropped_rate_limited;
        continue;
      }
      if (queue_.size() >= options_.queue_capacity) {
        ++stats_.dropped_queue_full;
        continue;
      }
      queue_.push_back(item);
      ++added;
    }
  }
  if (added > 0) wake_.notify_one();
}

void SinkRunner::Run() {
  std::vector<ExportItemPtr> batch;
  batch.reserve(options_.max_batch);
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping with nothing left
    if (!stopping_ && queue_.size() < options_.max_batch) {
      // A partial batch waits a little for company: fewer, larger requests to the destination.
      wake_.wait_for(lock, std::chrono::milliseconds(options_.batch_wait_ms),
                     [&] { return stopping_ || queue_.size() >= options_.max_batch; });
    }
    const size_t n = std::min(queue_.size(), options_.max_batch);
    batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    in_flight_ = true;
    lock.unlock();
    Deliver(batch);
    lock.lock();
    in_flight_ = false;
    if (queue_.empty()) idle_.notify_all();
    if (stopping_ && NowNs() >= drain_deadline_ns_) {
      stats_.dropped_at_shutdown += queue_.size();
      queue_.clear();
      break;
    }
  }
  idle_.notify_all();
}

void SinkRunner::Deliver(std::vector<ExportItemPtr>& batch) {
  Backoff backoff(options_.backoff_initial_ms, options_.backoff_max_ms,
                  reinterpret_cast<uintptr_t>(this) ^ NowNs());
  while (true) {
    const DeliveryResult result = sink_->Deliver(batch);
    NoteOutcome(result);
    std::unique_lock lock(mu_);
    if (result.outcome != Delivery::kRetry) {
      // Items the format could not express were never sent: neither delivered nor rejected.
      const uint64_t skipped = std::min<uint64_t>(result.skipped, batch.size());
      stats_.skipped += skipped;
      if (result.outcome == Delivery::kDelivered) {
        stats_.delivered += batch.size() - skipped;
        stats_.truncated += result.truncated;
      } else {
        stats_.rejected += batch.size() - skipped;
      }
      return;
    }
    ++stats_.retries;
    // The whole backoff is waited even while stopping (a destination that fails is never
    // hammered); a stop only cuts it short when the drain time ends first, and then the batch
    // is given up.
    const uint64_t until = NowNs() + backoff.NextDelayMs() * 1'000'000;
    while (true) {
      if (stopping_ && until > drain_deadline_ns_) {
        stats_.dropped_at_shutdown += batch.size();
        return;
      }
      const uint64_t now = NowNs();
      if (now >= until) break;
      wake_.wait_for(lock, std::chrono::nanoseconds(until - now));
    }
  }
}

void SinkRunner::NoteOutcome(const DeliveryResult& result) {
  const bool failed = result.outcome != Delivery::kDelivered;
  std::string line;
  {
    std::lock_guard lock(mu_);
    if (failed && (!stats_.failing || result.error != last_error_)) {
      line = "apisensor: sink " + options_.name + ": " + result.error +
             (result.outcome == Delivery::kRetry ? " (retrying with backoff)" : " (batch dropped)");
    } else if (!failed && stats_.failing) {
      line = "apisensor: sink " + options_.name + ": delivering again";
    }
    stats_.failing = failed;
    if (failed) last_error_ = result.error;
  }
  if (!line.empty()) log_(line);
}

SinkStats SinkRunner::stats() const {
  std::lock_guard lock(mu_);
  SinkStats s = stats_;
  s.queued = queue_.size();
  return s;
}

std::string SinkRunner::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void SinkRunner::AppendCounters(std::vector<metrics::Counter>& out) const {
  const SinkStats s = stats();
  const std::string label = metrics::Label("sink", options_.name);
  out.push_back({"export_offered", "Items a sink accepted by its filter", s.offered, false, label});
  out.push_back({"export_delivered", "Items a sink delivered", s.delivered, false, label});
  out.push_back(
      {"export_rejected", "Items a destination refused for good", s.rejected, false, label});
  out.push_back({"export_skipped_unformattable",
                 "Items a sink's format cannot express, so nothing was sent for them", s.skipped,
                 false, label});
  out.push_back({"export_truncated", "Items delivered cut to the destination's message size limit",
                 s.truncated, false, label});
  out.push_back({"export_dropped_queue_full", "Items dropped because a sink's queue was full",
                 s.dropped_queue_full, false, label});
  out.push_back({"export_dropped_rate_limited", "Items dropped by a sink's rate limit",
                 s.dropped_rate_limited, false, label});
  out.push_back({"export_dropped_at_shutdown", "Items still queued when the drain time ran out",
                 s.dropped_at_shutdown, false, label});
  out.push_back({"export_retries", "Failed deliveries retried", s.retries, false, label});
  out.push_back({"export_queued", "Items waiting in a sink's queue", s.queued, true, label});
  out.push_back({"export_failing", "1 while a sink's last delivery failed", s.failing ? 1u : 0u,
                 true, label});
}

bool SinkRunner::WaitIdle(uint64_t timeout_ms) const {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return queue_.empty() && !in_flight_; });
}

}  // namespace apisensor::exporters
