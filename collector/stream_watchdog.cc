#include "collector/stream_watchdog.h"

#include <algorithm>

namespace apisensor::collector {

StreamWatchdog::StreamWatchdog(std::chrono::milliseconds hello_timeout,
                               std::chrono::milliseconds idle_timeout)
    : hello_timeout_(hello_timeout), idle_timeout_(idle_timeout), thread_([this] { Run(); }) {}

StreamWatchdog::~StreamWatchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

StreamWatchdog::Watch::Watch(StreamWatchdog& watchdog, grpc::ServerContext& context)
    : watchdog_(watchdog), context_(context) {
  std::lock_guard lock(watchdog_.mu_);
  id_ = watchdog_.next_id_++;
  watchdog_.watched_.emplace(id_, Entry{Clock::now() + watchdog_.hello_timeout_, this});
  // The watchdog may be sleeping past this deadline (a longer idle one): wake it to re-plan.
  watchdog_.wake_.notify_all();
}

StreamWatchdog::Watch::~Watch() {
  // Under the lock, so the watchdog never cancels a context whose handler has returned.
  std::lock_guard lock(watchdog_.mu_);
  watchdog_.watched_.erase(id_);
}

void StreamWatchdog::Watch::Heard() {
  // Idle deadlines only ever move later, so the sleeping watchdog needs no wake-up.
  std::lock_guard lock(watchdog_.mu_);
  auto it = watchdog_.watched_.find(id_);
  if (it != watchdog_.watched_.end()) it->second.deadline = Clock::now() + watchdog_.idle_timeout_;
}

void StreamWatchdog::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    const Clock::time_point now = Clock::now();
    Clock::time_point next = now + std::max(idle_timeout_, hello_timeout_);
    for (auto it = watched_.begin(); it != watched_.end();) {
      if (it->second.deadline <= now) {
        Watch& watch = *it->second.watch;
        watch.timed_out_.store(true, std::memory_order_release);
        // Thread-safe in gRPC; the handler's blocked Read() returns false and it ends the stream.
        watch.context_.TryCancel();
        it = watched_.erase(it);
      } else {
        next = std::min(next, it->second.deadline);
        ++it;
      }
    }
    wake_.wait_until(lock, next);
  }
}

}  // namespace apisensor::collector
