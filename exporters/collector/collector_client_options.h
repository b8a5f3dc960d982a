// How the agent reaches its collector: where, with which credentials, and how much it may hold
// while the collector is away.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace apisensor::exporters {

struct CollectorClientOptions {
  std::string address;     // host:port (any gRPC target, e.g. dns:///collector:4317)
  std::string ca_file;     // PEM CA that signs the collector's certificate; "" for system roots
  std::string cert_file;   // PEM client certificate for mutual TLS, with key_file
  std::string key_file;    // PEM private key of cert_file
  std::string token_file;  // bearer token, sent as `authorization: Bearer <token>` (TLS only)
  bool insecure = false;   // plaintext: only for a collector on a trusted network or loopback
  std::string agent_id;    // "" for $NODE_NAME, else the host name
  std::string version;     // reported in Hello and heartbeats; "" for this build's version
  bool exchanges = false;  // also stream a summary of every exchange

  uint64_t snapshot_interval_s = 300;  // a full snapshot this often (and after every reconnect)
  uint64_t heartbeat_interval_s = 10;
  size_t max_queue_bytes = 64u << 20;  // batches not yet acknowledged, serialized
  size_t max_queue_batches = 4096;
  size_t max_pending_exchanges = 65536;  // summaries between two publishes; beyond, dropped
  size_t max_tracked_findings = 20000;   // latest of each, re-sent in full snapshots
  // Exchanges are split over several batches so none exceeds this (gRPC servers refuse
  // messages over 4 MiB unless told otherwise). A full snapshot's endpoints stay in one batch.
  size_t max_batch_bytes = (4u << 20) - (64u << 10);

  uint64_t backoff_initial_ms = 500;
  uint64_t backoff_max_ms = 30000;
  uint64_t connect_timeout_ms = 10000;  // from opening the stream to the collector's Welcome
  uint64_t drain_timeout_ms = 5000;     // at Stop(), how long queued batches may still be sent
};

// The files' contents, read when the client starts and again at every connection attempt (so
// rotated certificates and tokens are picked up without a restart).
struct CollectorCredentials {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string token;  // trimmed; "" for none
};

// Throws std::runtime_error with one sentence when the options are inconsistent or a file cannot
// be read.
void ValidateCollectorOptions(const CollectorClientOptions& options);
CollectorCredentials ReadCollectorCredentials(const CollectorClientOptions& options);

// $NODE_NAME, else the host name, else "unknown".
std::string DefaultAgentId();
std::string HostName();

}  // namespace apisensor::exporters
