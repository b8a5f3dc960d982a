#include "collector/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <chrono>
#include <stdexcept>

#include "agent/text/host_port.h"
#include "collector/stream_service.h"
#include "collector/tls_files.h"

namespace apisensor::collector {
namespace {

// "0.0.0.0" of "0.0.0.0:4317", "::1" of "[::1]:4317".
std::string HostOf(const std::string& listen) {
  const std::optional<text::HostPortParts> split = text::SplitHostPort(listen);
  return std::string(split ? split->host : listen);
}

std::shared_ptr<grpc::ServerCredentials> Credentials(const GrpcListenOptions& o,
                                                     std::string& description) {
  const bool tls = !o.tls_cert_file.empty() || !o.tls_key_file.empty();
  if (tls && (o.tls_cert_file.empty() || o.tls_key_file.empty())) {
    throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
  }
  if (!tls) {
    if (!o.client_ca_file.empty()) {
      throw std::runtime_error("--client-ca needs TLS: give --tls-cert and --tls-key too");
    }
    if (!o.insecure && !text::IsLoopbackHost(HostOf(o.listen))) {
      throw std::runtime_error(
          "--grpc-listen " + o.listen +
          " would take agents' data in plaintext: give --tls-cert and --tls-key (and --client-ca "
          "to demand client certificates), or pass --insecure if something else encrypts it.");
    }
    description = "plaintext";
    return grpc::InsecureServerCredentials();
  }
  // Read once here so that a wrong path or a key that does not match is one sentence now; gRPC then
  // re-reads the files every reload interval, so a certificate renewed in place (cert-manager,
  // a rotated Secret) is served without a restart. Kubernetes swaps a mounted Secret's files in
  // one rename; a hand edit that leaves them half written fails handshakes until it is complete.
  const TlsFiles files = LoadTlsFiles(o.tls_cert_file, o.tls_key_file, o.client_ca_file);
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      o.tls_key_file, o.tls_cert_file, o.client_ca_file, o.tls_reload_interval_s);
  grpc::experimental::TlsServerCredentialsOptions tls_options(provider);
  tls_options.watch_identity_key_cert_pairs();
  if (!files.client_ca.empty()) {
    tls_options.watch_root_certs();
    tls_options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    tls_options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  description = files.client_ca.empty() ? "TLS" : "TLS, client certificates";
  return grpc::experimental::TlsServerCredentials(tls_options);
}

}  // namespace

GrpcServer::GrpcServer(const GrpcListenOptions& options, Collector& collector) {
  std::string security;
  auto credentials = Credentials(options, security);
  std::string token;
  if (!options.token_file.empty()) {
    token = ReadTokenFile(options.token_file, "--token-file");
    security += ", token";
  }
  service_ = std::make_unique<StreamService>(collector, std::move(token), options.max_streams,
                                             options.hello_timeout, options.idle_timeout);
  grpc::ServerBuilder builder;
  // Without this a second collector could share the port and split the agents between them.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Notice agents that vanished (node lost) instead of counting them connected for hours; accept
  // the agents' own keepalive pings down to every 10 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.AddListeningPort(options.listen, credentials, &port_);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    server_.reset();
    throw std::runtime_error("cannot listen on " + options.listen +
                             " for agents: the port is in use or the address is not local; "
                             "choose another with --grpc-listen.");
  }
  const std::string host = HostOf(options.listen);
  const bool ipv6 = host.find(':') != std::string::npos;
  description_ =
      (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port_) + " (" + security + ")";
}

GrpcServer::~GrpcServer() {
  if (!server_) return;
  // Streams are long-lived: after a short grace they are cancelled, which wakes their handlers'
  // reads. A batch being stored completes first; its ack is lost and the agent resends it.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  server_->Wait();
}

}  // namespace apisensor::collector
