// A small in-process collector for the client's tests: it implements Collector.Stream as the
// protocol says (Welcome with the last stored sequence, skip what is stored, Ack), records what
// it received, and can be stopped and restarted on the same port, remembering or forgetting what
// it stored, with acknowledgements on or held back, and reading the stream or not.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apisensor/collector/v1/collector.grpc.pb.h"

namespace apisensor::testing {

namespace collector_v1 = ::apisensor::collector::v1;

struct TestCollectorTls {
  std::string server_cert_pem;
  std::string server_key_pem;
  std::string client_ca_pem;  // non-empty: client certificates signed by it are required
};

class TestCollector final : public collector_v1::Collector::Service {
 public:
  struct Received {
    int run = 0;  // how many times the server had been started when it arrived (1 = first)
    collector_v1::Batch batch;
  };

  // Listens on 127.0.0.1:`port` (0: any free port), plaintext unless `tls` is given.
  explicit TestCollector(int port = 0, std::optional<TestCollectorTls> tls = std::nullopt);
  ~TestCollector() override;

  void Start();
  // Ends every stream at once, as a crash would.
  void Stop();
  // Stop, then Start on the same port; `remember` keeps the last stored sequence of each agent
  // instance, as a collector with durable storage would.
  void Restart(bool remember);
  void set_ack(bool ack);
  // false: after Welcome, stop reading the stream (as a collector stuck on its storage would),
  // so the agent's writes block once gRPC's flow-control window is full.
  void set_read(bool read);

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Every batch that arrived with a sequence not stored yet, in arrival order.
  std::vector<Received> stored() const;
  std::vector<uint64_t> stored_sequences(int run = 0) const;  // 0: every run
  std::vector<collector_v1::Hello> hellos() const;
  std::vector<std::string> authorizations() const;
  uint64_t duplicates() const;  // batches that arrived again after being stored

  // Polls `done` until it holds or the timeout.
  bool WaitUntil(const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  bool WaitForStored(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  grpc::Status Stream(grpc::ServerContext* context,
                      grpc::ServerReaderWriter<collector_v1::CollectorMessage,
                                               collector_v1::AgentMessage>* stream) override;

 private:
  std::optional<TestCollectorTls> tls_;
  int port_;
  std::unique_ptr<grpc::Server> server_;

  mutable std::mutex mu_;
  int run_ = 0;
  bool ack_ = true;
  bool read_ = true;
  std::map<std::pair<std::string, uint64_t>, uint64_t> last_stored_;
  std::vector<Received> stored_;
  std::vector<collector_v1::Hello> hellos_;
  std::vector<std::string> authorizations_;
  uint64_t duplicates_ = 0;
};

}  // namespace apisensor::testing
