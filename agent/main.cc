// apisensor: the node agent. `trace` prints every HTTP exchange on this host as JSON lines;
// `run` does the same as a daemon and serves its counters to Prometheus.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "agent/capture/bpf_capture.h"
#include "agent/capture/preflight.h"
#include "agent/metrics/counters.h"
#include "agent/metrics/metrics_server.h"
#include "agent/metrics/status_client.h"
#include "agent/pipeline/jsonl_fd_output.h"
#include "agent/pipeline/pipeline.h"
#include "agent/secrets/fingerprint.h"

namespace apisensor {
namespace {

// Longest a record waits in the ring when traffic is too light to trigger the kernel's wake-up.
constexpr int kDrainIntervalMs = 100;

std::atomic<bool> g_stop{false};

void OnStopSignal(int /*signo*/) { g_stop.store(true, std::memory_order_relaxed); }

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the poll must return so the loop sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed stdout shows up as EPIPE, handled by the output
}

uint64_t NowNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

struct AgentOptions {
  pipeline::Filters filters;
  uint32_t payload_cap = APISENSOR_DEFAULT_PAYLOAD;
  uint32_t ring_mib = 16;
  std::string key_file = "/var/lib/apisensor/fingerprint.key";
  bool ephemeral_key = false;
  std::string tls_probes = "auto";
  std::optional<std::string> listen;  // `run` only
};

void AddCaptureOptions(CLI::App& cmd, AgentOptions& o) {
  cmd.add_option("--pid", o.filters.pids, "Only trace these processes (repeatable)");
  cmd.add_option("--port", o.filters.ports,
                 "Only trace connections with this local or remote port (repeatable)");
  cmd.add_option("--comm", o.filters.comms,
                 "Only trace processes with this command name, as in /proc/PID/comm (repeatable)");
  cmd.add_option("--payload-cap", o.payload_cap,
                 "Bytes of each socket read/write copied from the kernel; true sizes are always "
                 "reported")
      ->check(CLI::Range(1, APISENSOR_MAX_PAYLOAD));
  cmd.add_option("--ring-mib", o.ring_mib, "Kernel ring buffer size in MiB (a power of two)")
      ->check(CLI::IsMember({1, 2, 4, 8, 16, 32, 64, 128, 256}));
  cmd.add_option("--fingerprint-key", o.key_file,
                 "Key file for credential fingerprints (created 0600 when missing)");
  cmd.add_flag("--ephemeral-key", o.ephemeral_key,
               "Use a random key for this run only: fingerprints will not match other runs");
  cmd.add_option("--tls-probes", o.tls_probes,
                 "Where OpenSSL is probed: 'auto' (its internal read/write functions when found, "
                 "the cheapest place) or 'public' (SSL_read/SSL_write and their _ex forms)")
      ->check(CLI::IsMember({"auto", "public"}))
      ->capture_default_str();
}

int Run(const AgentOptions& options) {
  if (auto problem = capture::PreflightProblem()) {
    std::fprintf(stderr, "apisensor: %s\n", problem->c_str());
    return 2;
  }
  try {
    secrets::Fingerprinter fingerprinter =
        options.ephemeral_key ? secrets::Fingerprinter::Ephemeral()
                              : secrets::Fingerprinter::FromKeyFile(options.key_file);
    secrets::CredentialRedactor redactor(fingerprinter);
    pipeline::JsonlFdOutput output(STDOUT_FILENO);
    pipeline::PipelineOptions pipeline_options;
    pipeline_options.filters = options.filters;
    const int64_t offset =
        static_cast<int64_t>(NowNs(CLOCK_REALTIME)) - static_cast<int64_t>(NowNs(CLOCK_MONOTONIC));
    pipeline::Pipeline pipeline(pipeline_options, redactor, output, offset);

    capture::CaptureOptions capture_options;
    capture_options.payload_cap = options.payload_cap;
    capture_options.ring_bytes = options.ring_mib << 20;
    capture_options.tls_public_probes_only = options.tls_probes == "public";
    capture::BpfCapture capture(capture_options, pipeline);
    pipeline.SetCopyControl(&capture);

    metrics::CounterBoard board;
    auto publish = [&] {
      std::vector<metrics::Counter> counters =
          metrics::CollectCounters(pipeline, capture.ReadCounters());
      std::string status = metrics::RenderStatusJson(counters, capture.tls_libraries());
      board.Publish(std::move(counters), std::move(status));
    };
    std::unique_ptr<metrics::MetricsServer> server;
    if (options.listen) {
      publish();
      server = std::make_unique<metrics::MetricsServer>(*options.listen, board);
    }

    InstallSignalHandlers();
    std::fprintf(stderr, "apisensor: ready%s%s\n", options.listen ? ", metrics on http://" : "",
                 options.listen ? (*options.listen + "/metrics").c_str() : "");
    uint64_t next_publish = 0;
    while (!g_stop.load(std::memory_order_relaxed) && !output.broken()) {
      const int n = capture.Poll(kDrainIntervalMs);
      if (n < 0 && n != -EINTR) {
        throw std::runtime_error("reading the BPF ring buffer failed (" +
                                 std::string(std::strerror(-n)) + ")");
      }
      const uint64_t now = NowNs(CLOCK_MONOTONIC);
      pipeline.Tick(now);
      output.Flush();
      if (server && now >= next_publish) {
        publish();
        next_publish = now + 1'000'000'000;
      }
    }
    // Drain what the kernel already wrote, then report what is still pending.
    while (capture.Poll(0) > 0) {
    }
    pipeline.Shutdown(NowNs(CLOCK_MONOTONIC));
    output.Flush();
    const std::string counters =
        metrics::RenderJson(metrics::CollectCounters(pipeline, capture.ReadCounters()));
    std::fprintf(stderr, "apisensor: counters %s\n", counters.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apisensor: %s\n", e.what());
    return 1;
  }
}

}  // namespace
}  // namespace apisensor

int main(int argc, char** argv) {
  using apisensor::AgentOptions;
  CLI::App app{
      "apisensor: eBPF sensor that reports every HTTP API call made or served on this host"};
  app.require_subcommand(1);

  AgentOptions trace_options;
  CLI::App* trace = app.add_subcommand(
      "trace",
      "Print one JSON object per HTTP exchange (request + response) to stdout until interrupted.\n"
      "Fields: ts, latency_ns, role, protocol, tls, end, pid, comm, cgroup_id, local, remote,\n"
      "request {method, host, path, query (keys only), headers, body_size, content_type},\n"
      "response {status, headers, body_size, content_type}. Credentials are replaced by their\n"
      "scheme and a keyed fingerprint. Counters are printed to stderr on exit.");
  apisensor::AddCaptureOptions(*trace, trace_options);

  AgentOptions run_options;
  std::string listen = "127.0.0.1:9464";
  CLI::App* run = app.add_subcommand(
      "run", "Run as the node daemon: trace like `trace`, and serve Prometheus metrics.");
  apisensor::AddCaptureOptions(*run, run_options);
  run->add_option("--listen", listen, "Address of the metrics endpoint (GET /metrics, /healthz)")
      ->capture_default_str();

  std::string status_server = "127.0.0.1:9464";
  bool status_json = false;
  CLI::App* status = app.add_subcommand(
      "status", "Show what a running `apisensor run` probes (TLS libraries) and its counters.");
  status->add_option("--server", status_server, "The agent's --listen address")
      ->capture_default_str();
  status->add_flag("--json", status_json, "Print the raw JSON of GET /status");

  CLI11_PARSE(app, argc, argv);
  if (*status) return apisensor::metrics::PrintStatus(status_server, status_json);
  if (*run) {
    run_options.listen = listen;
    return apisensor::Run(run_options);
  }
  return apisensor::Run(trace_options);
}
