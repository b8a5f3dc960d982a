// Owns the kernel side: loads the CO-RE programs from the embedded skeleton, attaches them, and
// hands every ring-buffer record to a sink on the polling thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_set>

#include "agent/capture/openssl_probes.h"
#include "bpf/events.h"

struct kernel_probes;  // the generated skeleton (bpf/apisensor.bpf.c)
struct ring_buffer;

namespace apisensor::capture {

struct CaptureOptions {
  uint32_t payload_cap = APISENSOR_DEFAULT_PAYLOAD;  // bytes copied per event, at most 32 KiB
  uint32_t ring_bytes = 16u << 20;                   // ring buffer size, a power of two
  // Unread bytes at which the kernel wakes the agent; below it, records wait for the next Poll's
  // timeout. Batching this way keeps the agent from being woken once per traced syscall.
  // Capped at a quarter of the ring so a burst never fills it before the agent is woken.
  uint32_t wakeup_bytes = 256u << 10;
  // Probe OpenSSL's public functions only, never its internal ones (see openssl_internals.h).
  bool tls_public_probes_only = false;
};

// One raw record, valid only during the call.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void OnRecord(std::span<const uint8_t> record) = 0;
};

// What the agent can ask of the kernel side about one connection.
class CopyControl {
 public:
  virtual ~CopyControl() = default;
  // The connection (process, fd, struct sock address) is reported from its peer on this host:
  // stop copying its bytes (they are counted instead). A no-op if the kernel no longer tracks it.
  virtual void StopCopying(uint32_t tgid, int32_t fd, uint64_t sock) = 0;
};

using KernelCounters = std::array<uint64_t, APISENSOR_CNT_MAX>;

// What the capture layer counts: the kernel's counters and the TLS libraries it probes.
struct CaptureCounters {
  KernelCounters kernel{};
  uint64_t tls_libraries_probed = 0;
  uint64_t tls_libraries_unprobeable = 0;
};

const char* KernelCounterName(int index);

class BpfCapture final : public CopyControl {
 public:
  // Loads and attaches; throws std::runtime_error with one sentence for the user on failure.
  BpfCapture(const CaptureOptions& options, RecordSink& sink);
  ~BpfCapture();
  BpfCapture(const BpfCapture&) = delete;
  BpfCapture& operator=(const BpfCapture&) = delete;

  // Waits up to `timeout_ms` for the kernel's wake-up (a backlog of `wakeup_bytes`), then
  // delivers every pending record to the sink. The timeout bounds how long a record can wait.
  // Returns the number of records delivered, or a negative errno (-EINTR on a signal).
  int Poll(int timeout_ms);

  // Two map syscalls: call it once per connection, not per event.
  void StopCopying(uint32_t tgid, int32_t fd, uint64_t sock) override;

  // Sum over CPUs of the kernel-side counters, and the TLS library counts. Call it from the
  // polling thread (the TLS library list changes there).
  CaptureCounters ReadCounters() const;

  // Every libssl file found, probed or not (with why not).
  const std::vector<TlsLibrary>& tls_libraries() const { return openssl_->libraries(); }

 private:
  static int OnRingRecord(void* ctx, void* data, size_t size);
  // Probes the libssl files of processes that mapped one, and the executables of processes that
  // started a program, since the last call.
  void ProbeNewLibraries();

  RecordSink& sink_;
  struct SkeletonDeleter {
    void operator()(::kernel_probes* skel) const;
  };
  struct RingDeleter {
    void operator()(::ring_buffer* ring) const;
  };
  std::unique_ptr<::kernel_probes, SkeletonDeleter> skel_;
  std::unique_ptr<::ring_buffer, RingDeleter> ring_;
  std::unique_ptr<OpenSslProbes> openssl_;
  std::unordered_set<uint32_t> libssl_mapped_pids_;  // to scan after the ring is drained
  std::unordered_set<uint32_t> exec_pids_;           // to check after the ring is drained
  int counters_fd_ = -1;
  int conns_fd_ = -1;
  int ncpus_ = 1;
};

}  // namespace apisensor::capture
