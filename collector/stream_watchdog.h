// Ends streams that say nothing: a connection that opened a stream and never sent its Hello, or
// an agent silent for longer than its heartbeats allow, would otherwise hold one of the
// collector's --max-streams slots until TCP keepalive gives up (or forever, for a peer that
// answers keepalives but sends no data). One thread watches every open stream; a stream's handler
// registers while it runs and reports each message it reads.
#pragma once

#include <grpcpp/server_context.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace apisensor::collector {

class StreamWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // A stream must send its Hello within `hello_timeout`, then some message (batches, or the
  // agent's heartbeat about every 10 s) within every `idle_timeout`.
  StreamWatchdog(std::chrono::milliseconds hello_timeout, std::chrono::milliseconds idle_timeout);
  ~StreamWatchdog();
  StreamWatchdog(const StreamWatchdog&) = delete;
  StreamWatchdog& operator=(const StreamWatchdog&) = delete;

  // Watches one stream while alive; the handler must outlive it (it holds the context).
  class Watch {
   public:
    Watch(StreamWatchdog& watchdog, grpc::ServerContext& context);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    void Heard();  // a message arrived: the idle timeout starts again
    bool timed_out() const { return timed_out_.load(std::memory_order_acquire); }

   private:
    friend class StreamWatchdog;
    StreamWatchdog& watchdog_;
    grpc::ServerContext& context_;
    std::atomic<bool> timed_out_{false};
    uint64_t id_ = 0;
  };

 private:
  struct Entry {
    Clock::time_point deadline;
    Watch* watch;
  };
  void Run();

  const std::chrono::milliseconds hello_timeout_;
  const std::chrono::milliseconds idle_timeout_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<uint64_t, Entry> watched_;  // by registration id
  uint64_t next_id_ = 1;
  bool stop_ = false;
  std::thread thread_;  // last: starts after everything it uses
};

}  // namespace apisensor::collector
