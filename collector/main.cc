// apisensor-collector: receives every agent's stream over gRPC, stores it in SQLite, merges the
// nodes into one cluster-wide inventory and serves it with the agent's own HTTP API (so the
// `apisensor` CLI works against it), plus GET /v1/agents; optionally fans findings and exchanges
// out to SIEMs with the agent's export config.
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "agent/api/api_client.h"
#include "agent/api/api_server.h"
#include "collector/collector.h"
#include "collector/grpc_server.h"
#include "exporters/config/export_config.h"

namespace apisensor::collector {
namespace {

struct Options {
  GrpcListenOptions grpc;
  std::string listen = "127.0.0.1:9300";
  std::string api_token_file;
  std::string export_config;
  CollectorOptions core;
};

uint64_t WallClockNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// SIGINT and SIGTERM are blocked in every thread (set before any starts) and taken by the main
// thread with sigtimedwait, which doubles as its once-a-second publish timer.
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

bool WaitForStop(const sigset_t& signals, long timeout_ms) {
  const timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1'000'000};
  const int signo = sigtimedwait(&signals, nullptr, &timeout);
  return signo == SIGINT || signo == SIGTERM;
}

int Run(const Options& options, const sigset_t& stop_signals) {
  // Everything the user can get wrong is checked before serving, and answered with exit code 2.
  exporters::ExportConfig exports;
  std::unique_ptr<exporters::ExportHub> hub;
  std::unique_ptr<Collector> collector;
  std::unique_ptr<api::ApiServer> api_server;
  std::unique_ptr<GrpcServer> grpc_server;
  try {
    if (!options.export_config.empty()) {
      exports = exporters::LoadExportConfig(options.export_config,
                                            exporters::ReporterIdentity(APISENSOR_VERSION));
    }
    hub = std::make_unique<exporters::ExportHub>(exports.hub);
    for (auto& runner : exports.sinks) hub->Add(std::move(runner));
    collector = std::make_unique<Collector>(options.core, hub->empty() ? nullptr : hub.get());
    for (const std::string& note : collector->startup_notes()) {
      std::fprintf(stderr, "apisensor-collector: %s\n", note.c_str());
    }
    for (const auto& runner : hub->runners()) {
      std::fprintf(stderr, "apisensor-collector: exporting to sink %s (%s)\n",
                   runner->options().name.c_str(), runner->options().type.c_str());
    }
    collector->Publish(WallClockNs());
    Collector& c = *collector;
    const std::string api_token = api::ReadApiToken(options.api_token_file);
    // gRPC first: the API server's thread, once started, must not be stopped at once (httplib
    // misses a stop() that comes before its loop runs, and the join would hang), so nothing
    // that can fail comes after it.
    grpc_server = std::make_unique<GrpcServer>(options.grpc, c);
    api_server = std::make_unique<api::ApiServer>(
        options.listen, api_token,
        api::ApiSources{c.counter_board(), c.inventory_board(), c.findings(),
                        [&c] { return c.AgentsJson(); }});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apisensor-collector: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr, "apisensor-collector: ready, gRPC on %s, API on http://%s\n",
               grpc_server->description().c_str(), options.listen.c_str());
  try {
    while (!WaitForStop(stop_signals, 1000)) collector->Publish(WallClockNs());
    // Streams first, so nothing arrives after the last publish; every stored batch is already
    // committed, and the sinks drain when the hub goes.
    grpc_server.reset();
    collector->Publish(WallClockNs());
    api_server.reset();
    const std::string counters = metrics::RenderJson(collector->Counters());
    std::fprintf(stderr, "apisensor-collector: stopped, counters %s\n", counters.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apisensor-collector: %s\n", e.what());
    return 1;
  }
}

}  // namespace
}  // namespace apisensor::collector

int main(int argc, char** argv) {
  using apisensor::collector::Options;
  Options options;
  options.core.db_path = "/var/lib/apisensor/collector.db";
  CLI::App app{
      "apisensor-collector: receives the apisensor agents' streams (gRPC), merges their nodes "
      "into\n"
      "one cluster-wide inventory stored in SQLite, and serves it over the agent's HTTP API\n"
      "(GET /v1/endpoints, /v1/services, /v1/openapi, /v1/findings, /v1/agents, /metrics)."};
  app.set_version_flag("--version", APISENSOR_VERSION);
  app.add_option("--grpc-listen", options.grpc.listen, "Address agents stream to (host:port)")
      ->capture_default_str();
  app.add_option("--listen", options.listen, "Address of the HTTP API and metrics")
      ->capture_default_str();
  app.add_option("--db", options.core.db_path,
                 "SQLite file of the agents' data and sequences; '' keeps them in memory")
      ->capture_default_str();
  app.add_option("--tls-cert", options.grpc.tls_cert_file,
                 "PEM certificate (chain) of the gRPC listener");
  app.add_option("--tls-key", options.grpc.tls_key_file, "PEM private key of --tls-cert");
  app.add_option("--client-ca", options.grpc.client_ca_file,
                 "PEM CA certificates: demand agent client certificates signed by them (mTLS)");
  app.add_option("--token-file", options.grpc.token_file,
                 "File holding the token every agent stream must carry as "
                 "'authorization: Bearer <token>'");
  app.add_flag("--insecure", options.grpc.insecure,
               "Accept plaintext gRPC on a non-loopback address (when a mesh encrypts it)");
  app.add_option("--api-token-file", options.api_token_file,
                 "Bearer token the HTTP API demands (required when --listen is not loopback; "
                 "default: $APISENSOR_API_TOKEN)");
  app.add_option("--export-config", options.export_config,
                 "YAML file of export sinks, the agent's format (see exporters/README.md)");
  app.add_option("--max-agents", options.core.limits.max_agents,
                 "Agents tracked; beyond, new agents are refused")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--max-streams", options.grpc.max_streams,
                 "Open agent streams; beyond, new ones are refused")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Before any thread starts, so that every thread inherits the mask.
  const sigset_t stop_signals = apisensor::collector::StopSignals();
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return apisensor::collector::Run(options, stop_signals);
}
