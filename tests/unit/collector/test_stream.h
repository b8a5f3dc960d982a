// One Collector.Stream opened as an agent opens it, over a fresh connection, plaintext or TLS,
// with or without a bearer token.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "apisensor/collector/v1/collector.grpc.pb.h"

namespace apisensor::collector::testing {

struct ClientTls {
  std::string ca_pem;
  std::string cert_pem;  // with key_pem: a client certificate
  std::string key_pem;
};

// One Collector.Stream as an agent opens it.
class AgentStream {
 public:
  explicit AgentStream(int port, const std::optional<ClientTls>& tls = std::nullopt,
                       const std::string& token = "") {
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
    grpc::ChannelArguments args;
    if (tls) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = tls->ca_pem;
      ssl.pem_cert_chain = tls->cert_pem;
      ssl.pem_private_key = tls->key_pem;
      credentials = grpc::SslCredentials(ssl);
      args.SetSslTargetNameOverride("localhost");
    }
    // A fresh connection per stream, so one test's streams never share another's.
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    auto channel =
        grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), credentials, args);
    stub_ = v1::Collector::NewStub(channel);
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) context_.AddMetadata("authorization", "Bearer " + token);
    stream_ = stub_->Stream(&context_);
  }

  bool Write(const v1::AgentMessage& m) { return stream_->Write(m); }
  bool Hello(const v1::Hello& hello) {
    v1::AgentMessage m;
    *m.mutable_hello() = hello;
    return Write(m);
  }
  bool Batch(const v1::Batch& batch) {
    v1::AgentMessage m;
    *m.mutable_batch() = batch;
    return Write(m);
  }
  std::optional<v1::CollectorMessage> Read() {
    v1::CollectorMessage m;
    if (!stream_->Read(&m)) return std::nullopt;
    return m;
  }
  // Hello, then the Welcome's last stored sequence (nullopt when refused).
  std::optional<uint64_t> Welcome(const v1::Hello& hello) {
    if (!Hello(hello)) return std::nullopt;
    auto reply = Read();
    if (!reply || !reply->has_welcome()) return std::nullopt;
    EXPECT_FALSE(reply->welcome().collector_version().empty());
    return reply->welcome().last_stored_sequence();
  }
  std::optional<uint64_t> Ack(const v1::Batch& batch) {
    if (!Batch(batch)) return std::nullopt;
    auto reply = Read();
    if (!reply || !reply->has_ack()) return std::nullopt;
    return reply->ack().sequence();
  }
  grpc::Status Finish() {
    stream_->WritesDone();
    v1::CollectorMessage ignored;
    while (stream_->Read(&ignored)) {
    }
    return stream_->Finish();
  }
  void Cancel() { context_.TryCancel(); }

 private:
  std::unique_ptr<v1::Collector::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::AgentMessage, v1::CollectorMessage>> stream_;
};

}  // namespace apisensor::collector::testing
