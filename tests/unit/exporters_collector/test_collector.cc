#include "tests/unit/exporters_collector/test_collector.h"

#include <stdexcept>
#include <thread>

namespace apisensor::testing {

TestCollector::TestCollector(int port, std::optional<TestCollectorTls> tls)
    : tls_(std::move(tls)), port_(port) {
  Start();
}

TestCollector::~TestCollector() { Stop(); }

void TestCollector::Start() {
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (tls_) {
    grpc::SslServerCredentialsOptions ssl(
        tls_->client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                    : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = tls_->client_ca_pem;
    ssl.pem_key_cert_pairs.push_back({tls_->server_key_pem, tls_->server_cert_pem});
    creds = grpc::SslServerCredentials(ssl);
  }
  grpc::ServerBuilder builder;
  int selected = 0;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port_), creds, &selected);
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
  if (!server_ || selected == 0) {
    throw std::runtime_error("test collector cannot listen on port " + std::to_string(port_));
  }
  port_ = selected;
  std::lock_guard lock(mu_);
  ++run_;
}

void TestCollector::Stop() {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now());  // cancels the open streams
  server_->Wait();
  server_.reset();
}

void TestCollector::Restart(bool remember) {
  Stop();
  {
    std::lock_guard lock(mu_);
    if (!remember) last_stored_.clear();
  }
  Start();
}

void TestCollector::set_ack(bool ack) {
  std::lock_guard lock(mu_);
  ack_ = ack;
}

void TestCollector::set_read(bool read) {
  std::lock_guard lock(mu_);
  read_ = read;
}

grpc::Status TestCollector::Stream(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<collector_v1::CollectorMessage, collector_v1::AgentMessage>* stream) {
  collector_v1::AgentMessage in;
  if (!stream->Read(&in) || !in.has_hello()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "expected Hello first");
  }
  const auto key = std::make_pair(in.hello().agent_id(), in.hello().instance_id());
  collector_v1::CollectorMessage out;
  {
    std::lock_guard lock(mu_);
    hellos_.push_back(in.hello());
    auto auth = context->client_metadata().find("authorization");
    authorizations_.push_back(auth == context->client_metadata().end()
                                  ? ""
                                  : std::string(auth->second.data(), auth->second.size()));
    out.mutable_welcome()->set_last_stored_sequence(last_stored_[key]);
    out.mutable_welcome()->set_collector_version("test");
  }
  if (!stream->Write(out)) return grpc::Status::OK;
  const auto reading = [&] {
    while (!context->IsCancelled()) {
      {
        std::lock_guard lock(mu_);
        if (read_) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  };
  while (reading() && stream->Read(&in)) {
    if (!in.has_batch()) continue;
    bool ack;
    uint64_t through;
    {
      std::lock_guard lock(mu_);
      uint64_t& last = last_stored_[key];
      if (in.batch().sequence() > last) {
        last = in.batch().sequence();
        stored_.push_back({run_, in.batch()});
      } else {
        ++duplicates_;
      }
      ack = ack_;
      through = last;
    }
    if (ack) {
      out.Clear();
      out.mutable_ack()->set_sequence(through);
      if (!stream->Write(out)) break;
    }
  }
  return grpc::Status::OK;
}

std::vector<TestCollector::Received> TestCollector::stored() const {
  std::lock_guard lock(mu_);
  return stored_;
}

std::vector<uint64_t> TestCollector::stored_sequences(int run) const {
  std::lock_guard lock(mu_);
  std::vector<uint64_t> out;
  for (const Received& r : stored_) {
    if (run == 0 || r.run == run) out.push_back(r.batch.sequence());
  }
  return out;
}

std::vector<collector_v1::Hello> TestCollector::hellos() const {
  std::lock_guard lock(mu_);
  return hellos_;
}

std::vector<std::string> TestCollector::authorizations() const {
  std::lock_guard lock(mu_);
  return authorizations_;
}

uint64_t TestCollector::duplicates() const {
  std::lock_guard lock(mu_);
  return duplicates_;
}

bool TestCollector::WaitUntil(const std::function<bool()>& done,
                              std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

bool TestCollector::WaitForStored(size_t n, std::chrono::milliseconds timeout) const {
  return WaitUntil([&] { return stored().size() >= n; }, timeout);
}

}  // namespace apisensor::testing
