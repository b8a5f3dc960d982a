// apisensor: the node agent. `trace` prints every HTTP exchange on this host as JSON lines; `run`
// is the daemon: it keeps the endpoint inventory (SQLite-backed), compares it with declared
// OpenAPI specs and serves it, with its counters, over a local HTTP API that `endpoints`,
// `openapi`, `findings` and `status` query.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "agent/api/api_client.h"
#include "agent/api/api_server.h"
#include "agent/capture/bpf_capture.h"
#include "agent/capture/preflight.h"
#include "agent/daemon/inventory_daemon.h"
#include "agent/detectors/detector_config.h"
#include "agent/k8s/api/kube_watcher.h"
#include "agent/metrics/counters.h"
#include "agent/pipeline/fan_output.h"
#include "agent/pipeline/jsonl_fd_output.h"
#include "agent/pipeline/pipeline.h"
#include "agent/secrets/fingerprint.h"
#include "exporters/collector/collector_client.h"
#include "exporters/config/export_config.h"

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
  // `run` only:
  std::optional<std::string> listen;
  std::string api_token_file;
  bool print_exchanges = false;
  daemon::InventoryDaemonOptions inventory;
  unsigned retention_days = 7;
  std::string export_config;  // sinks (SIEMs, files, webhooks); "" for none
  std::optional<exporters::CollectorClientOptions> collector;  // stream to apisensor-collector
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
  // Configuration mistakes first: they are the user's to fix whatever else is wrong.
  exporters::ExportConfig exports;
  if (!options.export_config.empty()) {
    try {
      exports = exporters::LoadExportConfig(options.export_config,
                                            exporters::ReporterIdentity(APISENSOR_VERSION));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "apisensor: %s\n", e.what());
      return 2;
    }
  }
  if (options.collector) {
    try {
      exporters::ValidateCollectorOptions(*options.collector);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "apisensor: %s\n", e.what());
      return 2;
    }
  }
  // Kubernetes: the in-cluster configuration when the environment says so, else host mode.
  std::optional<k8s::api::ClusterConfig> cluster;
  try {
    cluster = k8s::api::InClusterConfig();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apisensor: %s\n", e.what());
    return 2;
  }
  if (auto problem = capture::PreflightProblem()) {
    std::fprintf(stderr, "apisensor: %s\n", problem->c_str());
    return 2;
  }
  try {
    // The counters the collector's heartbeats carry; it outlives the collector client.
    metrics::CounterBoard board;
    // Declared before the inventory, which holds them as listeners: they outlive it, and drain
    // their queues last when the agent stops.
    exporters::ExportHub export_hub(exports.hub);
    for (auto& runner : exports.sinks) export_hub.Add(std::move(runner));
    std::unique_ptr<exporters::CollectorClient> collector;
    if (options.collector && options.listen) {
      collector = std::make_unique<exporters::CollectorClient>(*options.collector, &board);
    }
    const bool daemon_mode = options.listen.has_value();
    secrets::Fingerprinter fingerprinter =
        options.ephemeral_key ? secrets::Fingerprinter::Ephemeral()
                              : secrets::Fingerprinter::FromKeyFile(options.key_file);
    secrets::CredentialRedactor redactor(fingerprinter);
    pipeline::JsonlFdOutput jsonl(STDOUT_FILENO);
    std::unique_ptr<daemon::InventoryDaemon> inventory;
    std::vector<pipeline::RecordOutput*> outputs;
    if (!daemon_mode || options.print_exchanges) outputs.push_back(&jsonl);
    if (daemon_mode) {
      daemon::InventoryDaemonOptions inventory_options = options.inventory;
      inventory_options.limits.retention_ns =
          static_cast<uint64_t>(options.retention_days) * 24 * 3600 * 1'000'000'000ULL;
      inventory = std::make_unique<daemon::InventoryDaemon>(inventory_options);
      for (const std::string& note : inventory->startup_notes()) {
        std::fprintf(stderr, "apisensor: %s\n", note.c_str());
      }
      if (!export_hub.empty()) {
        inventory->AddListener(export_hub);
        for (const auto& runner : export_hub.runners()) {
          std::fprintf(stderr, "apisensor: exporting to sink %s (%s)\n",
                       runner->options().name.c_str(), runner->options().type.c_str());
        }
      }
      if (collector) {
        inventory->AddListener(*collector);
        std::fprintf(stderr, "apisensor: streaming to collector %s as agent %s\n",
                     collector->options().address.c_str(), collector->options().agent_id.c_str());
      }
      outputs.push_back(inventory.get());
    }
    pipeline::FanOutput output(outputs);
    // Pod metadata for attribution; declared before the pipeline, which reads its directory.
    std::unique_ptr<k8s::api::KubeWatcher> kube;
    if (cluster) {
      k8s::api::WatcherOptions watch;
      watch.cluster = *cluster;
      kube = std::make_unique<k8s::api::KubeWatcher>(std::move(watch));
      kube->Start();
      std::fprintf(stderr, "apisensor: %s\n", kube->Describe().c_str());
    } else {
      std::fprintf(stderr, "apisensor: %s\n", k8s::api::HostModeSentence().c_str());
    }
    pipeline::PipelineOptions pipeline_options;
    if (kube) pipeline_options.attribution.pods = kube->directory().get();
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

    auto publish = [&] {
      std::vector<metrics::Counter> counters =
          metrics::CollectCounters(pipeline, capture.ReadCounters());
      if (inventory) {
        for (metrics::Counter& c : inventory->Counters()) counters.push_back(std::move(c));
        for (metrics::Counter& c : export_hub.Counters()) counters.push_back(std::move(c));
        if (kube) {
          for (metrics::Counter& c : kube->Counters()) counters.push_back(std::move(c));
        }
        if (collector) {
          for (metrics::Counter& c : collector->Counters()) counters.push_back(std::move(c));
        }
      }
      std::string status = metrics::RenderStatusJson(counters, capture.tls_libraries());
      board.Publish(std::move(counters), std::move(status));
    };
    std::unique_ptr<api::ApiServer> server;
    if (daemon_mode) {
      publish();
      inventory->Tick(NowNs(CLOCK_MONOTONIC), NowNs(CLOCK_REALTIME));
      server = std::make_unique<api::ApiServer>(
          *options.listen, api::ReadApiToken(options.api_token_file),
          api::ApiSources{board, inventory->board(), inventory->findings()});
    }

    InstallSignalHandlers();
    std::fprintf(stderr, "apisensor: ready%s%s\n", daemon_mode ? ", API on http://" : "",
                 daemon_mode ? options.listen->c_str() : "");
    uint64_t next_publish = 0;
    while (!g_stop.load(std::memory_order_relaxed) && !jsonl.broken()) {
      const int n = capture.Poll(kDrainIntervalMs);
      if (n < 0 && n != -EINTR) {
        throw std::runtime_error("reading the BPF ring buffer failed (" +
                                 std::string(std::strerror(-n)) + ")");
      }
      const uint64_t now = NowNs(CLOCK_MONOTONIC);
      pipeline.Tick(now);
      output.Flush();
      if (inventory) inventory->Tick(now, NowNs(CLOCK_REALTIME));
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
    if (inventory) inventory->Shutdown(NowNs(CLOCK_REALTIME));
    if (collector) collector->Stop();  // sends the last publish, within its drain timeout
    const std::string counters =
        metrics::RenderJson(metrics::CollectCounters(pipeline, capture.ReadCounters()));
    std::fprintf(stderr, "apisensor: counters %s\n", counters.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apisensor: %s\n", e.what());
    return 1;
  }
}

void AddClientOptions(CLI::App& cmd, api::ClientOptions& o, std::string& token_file) {
  cmd.add_option("--server", o.server, "The agent's --listen address")->capture_default_str();
  cmd.add_option("--api-token-file", token_file,
                 "File holding the agent's API token (default: $APISENSOR_API_TOKEN)");
  cmd.add_flag("--json", o.json, "Print JSON instead of a table");
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
      "run",
      "Run as the node daemon: keep the endpoint inventory of everything traced, diff it against\n"
      "declared OpenAPI specs, store it in SQLite, and serve it with the agent's metrics over\n"
      "HTTP (GET /v1/endpoints, /v1/services, /v1/openapi, /v1/findings, /metrics, /status).");
  apisensor::AddCaptureOptions(*run, run_options);
  run->add_option("--listen", listen, "Address of the HTTP API and metrics")->capture_default_str();
  run_options.inventory.db_path = "/var/lib/apisensor/inventory.db";
  run->add_option("--db", run_options.inventory.db_path,
                  "SQLite file of the inventory and findings; '' keeps them in memory")
      ->capture_default_str();
  run->add_option("--spec", run_options.inventory.specs,
                  "Declared OpenAPI/Swagger spec: SERVICE=FILE, SERVICE=DIR, FILE or DIR "
                  "(repeatable). Without SERVICE= a spec binds by its servers' ports and hosts.");
  run->add_option("--retention-days", run_options.retention_days,
                  "Days without traffic after which a declared endpoint counts as unused")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  run->add_option("--api-token-file", run_options.api_token_file,
                  "Bearer token the API demands (required when --listen is not loopback; "
                  "default: $APISENSOR_API_TOKEN)");
  std::string detector_config;
  run->add_option("--detector-config", detector_config,
                  "YAML file of detector thresholds (see agent/detectors/detector_config.h); "
                  "unset keys keep their defaults");
  run->add_option("--export-config", run_options.export_config,
                  "YAML file of export sinks: SIEMs (syslog CEF, Splunk HEC), OCSF or JSON files, "
                  "webhooks (see exporters/README.md)");
  run->add_flag("--print-exchanges", run_options.print_exchanges,
                "Also print every exchange as a JSON line on stdout, as `trace` does");
  apisensor::exporters::CollectorClientOptions collector_options;
  CLI::Option* collector_flag =
      run->add_option("--collector", collector_options.address,
                      "Stream the inventory, findings and heartbeats to apisensor-collector at "
                      "HOST:PORT (gRPC over TLS)");
  run->add_option("--collector-ca", collector_options.ca_file,
                  "PEM CA of the collector's certificate (default: the system's roots)")
      ->needs(collector_flag);
  run->add_option("--collector-cert", collector_options.cert_file,
                  "PEM client certificate for mutual TLS (with --collector-key)")
      ->needs(collector_flag);
  run->add_option("--collector-key", collector_options.key_file,
                  "PEM private key of --collector-cert")
      ->needs(collector_flag);
  run->add_option("--collector-token-file", collector_options.token_file,
                  "File holding a bearer token for the collector (over TLS only)")
      ->needs(collector_flag);
  run->add_flag("--collector-insecure", collector_options.insecure,
                "Plaintext gRPC to the collector: only on loopback or a mesh that encrypts")
      ->needs(collector_flag);
  run->add_option("--agent-id", collector_options.agent_id,
                  "This node's name at the collector (default: $NODE_NAME, else the host name)")
      ->needs(collector_flag);
  run->add_flag("--collector-exchanges", collector_options.exchanges,
                "Also stream a summary of every exchange (for the collector's sinks)")
      ->needs(collector_flag);

  apisensor::api::ClientOptions status_client;
  std::string status_token_file;
  CLI::App* status = app.add_subcommand(
      "status", "Show what a running `apisensor run` probes (TLS libraries) and its counters.");
  apisensor::AddClientOptions(*status, status_client, status_token_file);

  apisensor::api::ClientOptions endpoints_client;
  std::string endpoints_token_file;
  apisensor::api::EndpointsCommand endpoints_command;
  bool shadow_only = false;
  CLI::App* endpoints =
      app.add_subcommand("endpoints",
                         "List the endpoints a running agent has discovered, with their state\n"
                         "(declared, shadow, zombie, unused), traffic, auth and sensitive data.");
  apisensor::AddClientOptions(*endpoints, endpoints_client, endpoints_token_file);
  endpoints->add_option("--service", endpoints_command.service, "Only this service");
  endpoints->add_option("--state", endpoints_command.state,
                        "Only this state: declared, shadow, zombie or unused");
  endpoints->add_flag("--shadow", shadow_only, "Only shadow endpoints (same as --state shadow)");

  apisensor::api::ClientOptions openapi_client;
  std::string openapi_token_file;
  std::string openapi_service;
  std::string openapi_output = "-";
  CLI::App* openapi = app.add_subcommand(
      "openapi", "Write an OpenAPI 3.1 document of what a service was observed to serve.");
  apisensor::AddClientOptions(*openapi, openapi_client, openapi_token_file);
  openapi->add_option("--service", openapi_service, "The service (see `apisensor endpoints`)")
      ->required();
  openapi->add_option("-o,--output", openapi_output, "File to write ('-': stdout)")
      ->capture_default_str();

  apisensor::api::ClientOptions findings_client;
  std::string findings_token_file;
  std::optional<std::string> findings_type;
  std::optional<std::string> findings_severity;
  CLI::App* findings = app.add_subcommand("findings", "List a running agent's findings.");
  apisensor::AddClientOptions(*findings, findings_client, findings_token_file);
  findings->add_option("--type", findings_type, "Only this type (e.g. shadow_endpoint)");
  findings->add_option("--severity", findings_severity,
                       "Only this severity: info, low, medium, high or critical");

  CLI11_PARSE(app, argc, argv);
  using apisensor::api::ReadApiToken;
  try {
    if (*status) {
      status_client.token = ReadApiToken(status_token_file);
      return apisensor::api::PrintStatus(status_client);
    }
    if (*endpoints) {
      endpoints_client.token = ReadApiToken(endpoints_token_file);
      if (shadow_only) endpoints_command.state = "shadow";
      return apisensor::api::PrintEndpoints(endpoints_client, endpoints_command);
    }
    if (*openapi) {
      openapi_client.token = ReadApiToken(openapi_token_file);
      return apisensor::api::WriteOpenApi(openapi_client, openapi_service, openapi_output);
    }
    if (*findings) {
      findings_client.token = ReadApiToken(findings_token_file);
      return apisensor::api::PrintFindings(findings_client, findings_type, findings_severity);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apisensor: %s\n", e.what());
    return 1;
  }
  if (*run) {
    if (!detector_config.empty()) {
      try {
        run_options.inventory.detectors = apisensor::detectors::LoadDetectorConfig(detector_config);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "apisensor: %s\n", e.what());
        return 2;
      }
    }
    run_options.listen = listen;
    if (*collector_flag) {
      if (collector_options.agent_id.empty()) {
        collector_options.agent_id = apisensor::exporters::DefaultAgentId();
      }
      run_options.collector = collector_options;
    }
    return apisensor::Run(run_options);
  }
  return apisensor::Run(trace_options);
}
