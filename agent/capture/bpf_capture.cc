#include "agent/capture/bpf_capture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernel_probes.skel.h"

namespace apisensor::capture {
namespace {

int QuietLibbpf(enum libbpf_print_level level, const char* format, va_list args) {
  // libbpf's own messages are for developers; APISENSOR_DEBUG=1 shows them.
  static const bool debug = getenv("APISENSOR_DEBUG") != nullptr;
  (void)level;
  return debug ? vfprintf(stderr, format, args) : 0;
}

std::string Errno(int err) { return std::strerror(err < 0 ? -err : err); }

void LogLine(const std::string& line) { std::fprintf(stderr, "apisensor: %s\n", line.c_str()); }

}  // namespace

const char* KernelCounterName(int index) {
  switch (index) {
    case APISENSOR_CNT_EVENTS:
      return "kernel_events";
    case APISENSOR_CNT_RING_FULL:
      return "kernel_ring_full_drops";
    case APISENSOR_CNT_BYTES_SHIPPED:
      return "kernel_bytes_shipped";
    case APISENSOR_CNT_BYTES_TRUNCATED:
      return "kernel_bytes_truncated";
    case APISENSOR_CNT_BYTES_NOT_COPIED:
      return "kernel_bytes_not_copied";
    case APISENSOR_CNT_IOV_TRUNCATED:
      return "kernel_iov_truncated";
    case APISENSOR_CNT_SCRATCH_BUSY:
      return "kernel_scratch_busy_drops";
    case APISENSOR_CNT_READ_FAULT:
      return "kernel_read_faults";
    case APISENSOR_CNT_PEEK_SKIPPED:
      return "kernel_peek_skipped";
    case APISENSOR_CNT_CONN_TRACKED:
      return "kernel_connections_tracked";
    case APISENSOR_CNT_TLS_UNLINKED:
      return "kernel_tls_unlinked";
    case APISENSOR_CNT_TLS_LINKED_BY_READ:
      return "kernel_tls_linked_by_read";
    case APISENSOR_CNT_BYTES_PEER_REPORTED:
      return "kernel_bytes_peer_reported";
    default:
      return "kernel_unknown";
  }
}

void BpfCapture::SkeletonDeleter::operator()(::kernel_probes* skel) const {
  kernel_probes__destroy(skel);
}
void BpfCapture::RingDeleter::operator()(::ring_buffer* ring) const { ring_buffer__free(ring); }

BpfCapture::BpfCapture(const CaptureOptions& options, RecordSink& sink) : sink_(sink) {
  libbpf_set_print(QuietLibbpf);
  if (options.payload_cap == 0 || options.payload_cap > APISENSOR_MAX_PAYLOAD) {
    throw std::runtime_error("the payload cap must be between 1 and " +
                             std::to_string(APISENSOR_MAX_PAYLOAD) + " bytes");
  }
  if (options.ring_bytes < 4096 || (options.ring_bytes & (options.ring_bytes - 1)) != 0) {
    throw std::runtime_error("the ring buffer size must be a power of two of at least 4096 bytes");
  }
  ncpus_ = libbpf_num_possible_cpus();
  if (ncpus_ <= 0)
    throw std::runtime_error("cannot count this machine's CPUs (/sys/devices/system/cpu/possible)");

  skel_.reset(kernel_probes__open());
  if (!skel_) {
    throw std::runtime_error("cannot open the embedded BPF object (" + Errno(errno) +
                             "): this kernel's BTF does not match what apisensor needs.");
  }
  skel_->rodata->payload_cap = options.payload_cap;
  skel_->rodata->agent_tgid = static_cast<uint32_t>(getpid());
  skel_->rodata->wakeup_bytes = std::min(options.wakeup_bytes, options.ring_bytes / 4);
  bpf_map__set_max_entries(skel_->maps.events, options.ring_bytes);
  bpf_map__set_max_entries(skel_->maps.scratch_buf, static_cast<uint32_t>(ncpus_));

  if (int err = kernel_probes__load(skel_.get())) {
    throw std::runtime_error("the kernel refused apisensor's BPF programs (" + Errno(err) +
                             "); run with APISENSOR_DEBUG=1 to see the verifier's log.");
  }
  if (int err = kernel_probes__attach(skel_.get())) {
    throw std::runtime_error(
        "cannot attach to the sys_exit, sched_process_exec and sched_process_exit tracepoints (" +
        Errno(err) + "): this kernel needs BTF-enabled tracepoints (tp_btf).");
  }
  ring_.reset(
      ring_buffer__new(bpf_map__fd(skel_->maps.events), &BpfCapture::OnRingRecord, this, nullptr));
  if (!ring_) throw std::runtime_error("cannot map the BPF ring buffer (" + Errno(errno) + ")");
  counters_fd_ = bpf_map__fd(skel_->maps.counters);
  const OpenSslPrograms programs{
      .ssl_write = skel_->progs.apisensor_ssl_write,
      .ssl_write_ex = skel_->progs.apisensor_ssl_write_ex,
      .ssl_read = skel_->progs.apisensor_ssl_read,
      .ssl_read_ex = skel_->progs.apisensor_ssl_read_ex,
      .ssl_read_internal = skel_->progs.apisensor_ssl_read_internal,
      .ssl_write_internal = skel_->progs.apisensor_ssl_write_internal,
      .ssl_return = skel_->progs.apisensor_ssl_return,
      .ssl_free = skel_->progs.apisensor_ssl_free,
  };
  openssl_ = std::make_unique<OpenSslProbes>(programs, options.tls_public_probes_only, &LogLine);
  openssl_->ScanHost();
  conns_fd_ = bpf_map__fd(skel_->maps.conns);
}

BpfCapture::~BpfCapture() = default;

int BpfCapture::OnRingRecord(void* ctx, void* data, size_t size) {
  auto* self = static_cast<BpfCapture*>(ctx);
  if (size >= sizeof(apisensor_event_header)) {
    const auto* header = static_cast<const apisensor_event_header*>(data);
    // Attaching parses ELF files: done after the drain, not between records.
    if (header->kind == APISENSOR_EV_LIBSSL_MAPPED) {
      self->libssl_mapped_pids_.insert(header->tgid);
      return 0;
    }
    if (header->kind == APISENSOR_EV_EXEC) {
      self->exec_pids_.insert(header->tgid);
      return 0;
    }
  }
  self->sink_.OnRecord({static_cast<const uint8_t*>(data), size});
  return 0;
}

void BpfCapture::ProbeNewLibraries() {
  for (uint32_t pid : libssl_mapped_pids_) openssl_->ScanProcess(pid);
  libssl_mapped_pids_.clear();
  for (uint32_t pid : exec_pids_) openssl_->CheckExecutable(pid);
  exec_pids_.clear();
}

int BpfCapture::Poll(int timeout_ms) {
  int delivered = ring_buffer__poll(ring_.get(), timeout_ms);
  if (delivered == 0 || delivered == -EINTR) {
    // Not woken: records below the wake-up threshold are still there.
    const int drained = ring_buffer__consume(ring_.get());
    if (drained != 0) delivered = drained;
  }
  if (!libssl_mapped_pids_.empty() || !exec_pids_.empty()) ProbeNewLibraries();
  return delivered;
}

void BpfCapture::StopCopying(uint32_t tgid, int32_t fd, uint64_t sock) {
  const apisensor_conn_key key{.tgid = tgid, .fd = fd};
  apisensor_conn_state state{};
  if (bpf_map_lookup_elem(conns_fd_, &key, &state) != 0 || state.sk != sock) return;
  state.peer_reported = 1;
  // BPF_EXIST: if the socket closed meanwhile, do not resurrect its entry.
  bpf_map_update_elem(conns_fd_, &key, &state, BPF_EXIST);
}

CaptureCounters BpfCapture::ReadCounters() const {
  CaptureCounters out;
  out.tls_libraries_probed = openssl_->attached_count();
  out.tls_libraries_unprobeable = openssl_->failed_count();
  KernelCounters& totals = out.kernel;
  std::vector<uint64_t> per_cpu(static_cast<size_t>(ncpus_));
  for (uint32_t i = 0; i < APISENSOR_CNT_MAX; ++i) {
    if (bpf_map_lookup_elem(counters_fd_, &i, per_cpu.data()) != 0) continue;
    for (uint64_t v : per_cpu) totals[i] += v;
  }
  return out;
}

}  // namespace apisensor::capture
