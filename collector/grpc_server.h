// The collector's gRPC listener: TLS (optionally demanding client certificates signed by a given
// CA), a bearer token, or plaintext only when asked for or on loopback. Every refusal to start is
// one sentence naming the flag to fix.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "collector/collector.h"

namespace grpc {
class Server;
}

namespace apisensor::collector {

class StreamService;

struct GrpcListenOptions {
  std::string listen = "0.0.0.0:4317";  // host:port; port 0 picks a free one (tests)
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string client_ca_file;           // demand and verify client certificates signed by these CAs
  unsigned tls_reload_interval_s = 60;  // how often the three files are checked for renewals
  std::string token_file;               // demand 'authorization: Bearer <token>' on every stream
  bool insecure = false;                // allow plaintext on a non-loopback address
  size_t max_streams = 4096;
  // A stream must say Hello within this, then send something (an agent heartbeats about every
  // 10 s) within every idle timeout; otherwise it is ended and its slot freed.
  std::chrono::milliseconds hello_timeout{10'000};
  std::chrono::milliseconds idle_timeout{120'000};
  int max_message_bytes = 64 << 20;  // a full snapshot of a large inventory is one message
};

class GrpcServer {
 public:
  // Starts serving. Throws std::runtime_error with one sentence (unreadable certificate, port in
  // use, plaintext beyond loopback without --insecure).
  GrpcServer(const GrpcListenOptions& options, Collector& collector);
  // Stops accepting, cancels open streams after a short grace and waits for their handlers.
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  int port() const { return port_; }
  // "0.0.0.0:4317 (TLS, client certificates, token)", for the ready line.
  const std::string& description() const { return description_; }

 private:
  std::unique_ptr<StreamService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string description_;
};

}  // namespace apisensor::collector
