// The agent's own client (exporters/collector) streaming to this collector over TLS with a
// token, as two nodes of a cluster do: one merged inventory, and every exchange counted exactly
// once across a collector restart on the same SQLite file.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "collector/collector.h"
#include "collector/grpc_server.h"
#include "exporters/collector/collector_client.h"
#include "tests/unit/collector/test_support.h"
#include "tests/unit/exporters_collector/test_pki.h"
#include "tests/unit/exporters_collector/test_views.h"

namespace apisensor::collector {
namespace {

using namespace std::chrono_literals;
using apisensor::collector::testing::AgentsDoc;
using apisensor::collector::testing::TempDir;
using apisensor::testing::kSecond;
using apisensor::testing::kT0;
using apisensor::testing::MakeEndpoint;
using apisensor::testing::MakeFinding;
using apisensor::testing::MakeObserved;
using apisensor::testing::MakeRecord;
using apisensor::testing::MakeService;
using apisensor::testing::PublishFixture;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// One node's inventory: the shared endpoint /r0 with `requests`, and one of its own.
PublishFixture NodeInventory(const std::string& own, uint64_t requests) {
  PublishFixture p;
  p.view.endpoints = {MakeEndpoint("/r0", requests), MakeEndpoint(own, 1)};
  p.view.services = {MakeService(requests + 1)};
  p.changed = p.view.endpoints;
  p.findings = {MakeFinding("GET /r0", requests)};
  return p;
}

struct Node {
  Node(const std::string& id, int port, const testing::TempDir& dir,
       const apisensor::testing::TestPki& pki) {
    exporters::CollectorClientOptions o;
    o.address = "127.0.0.1:" + std::to_string(port);
    o.ca_file = pki.ca_file();
    o.token_file = dir.file("token");
    o.agent_id = id;
    o.exchanges = true;
    o.backoff_initial_ms = 20;
    o.backoff_max_ms = 100;
    o.connect_timeout_ms = 3000;
    o.drain_timeout_ms = 2000;
    client = std::make_unique<exporters::CollectorClient>(o, nullptr, [](const std::string&) {});
  }
  // `n` exchanges, then a publish of the node's inventory.
  void Publish(const PublishFixture& p, int n, uint64_t now) {
    for (int i = 0; i < n; ++i) client->OnExchange(MakeRecord(now + i, 200), MakeObserved());
    exchanges += static_cast<uint64_t>(n);
    client->OnPublish(p.At(now));
  }
  std::unique_ptr<exporters::CollectorClient> client;
  uint64_t exchanges = 0;
};

uint64_t ExchangesReceived(const Collector& c, const std::string& agent) {
  AgentsDoc doc(c.AgentsJson());
  return doc.agent(agent) == nullptr ? 0 : (*doc.agent(agent))["exchanges_received"].GetUint64();
}

TEST(AgentClient, TwoNodesMergeIntoOneInventoryAndNoExchangeIsLostOrCountedTwice) {
  apisensor::testing::TestPki pki;
  TempDir dir;
  std::ofstream(dir.file("token")) << "cluster-token\n";
  CollectorOptions core;
  core.db_path = dir.file("collector.db");
  GrpcListenOptions listen;
  listen.listen = "127.0.0.1:0";
  listen.tls_cert_file = pki.dir + "/server.pem";
  listen.tls_key_file = pki.dir + "/server.key";
  listen.token_file = dir.file("token");
  auto collector = std::make_unique<Collector>(core);
  auto server = std::make_unique<GrpcServer>(listen, *collector);
  const int port = server->port();
  listen.listen = "127.0.0.1:" + std::to_string(port);

  Node a("node-a", port, dir, pki);
  Node b("node-b", port, dir, pki);
  a.Publish(NodeInventory("/only-a", 30), 30, kT0 + kSecond);
  b.Publish(NodeInventory("/only-b", 20), 20, kT0 + kSecond);
  ASSERT_TRUE(a.client->WaitAcked(10000));
  ASSERT_TRUE(b.client->WaitAcked(10000));
  collector->Publish(kT0 + 2 * kSecond);

  const auto view = collector->inventory_board().Latest();
  ASSERT_EQ(view->endpoints.size(), 3u);
  EXPECT_EQ(testing::FindEndpoint(*collector, "id:/r0")->stats.requests, 50u);
  ASSERT_EQ(view->services.size(), 1u);
  EXPECT_EQ(view->services[0].requests, 52u);
  ASSERT_EQ(collector->findings().All().size(), 1u);
  EXPECT_EQ(collector->findings().All()[0].count, 50u);
  EXPECT_EQ(ExchangesReceived(*collector, "node-a"), 30u);
  EXPECT_EQ(ExchangesReceived(*collector, "node-b"), 20u);

  // The collector goes away while the nodes keep publishing, and comes back on its file.
  server.reset();
  collector.reset();
  a.Publish(NodeInventory("/only-a", 40), 10, kT0 + 3 * kSecond);
  b.Publish(NodeInventory("/only-b", 25), 5, kT0 + 3 * kSecond);
  std::this_thread::sleep_for(100ms);
  collector = std::make_unique<Collector>(core);
  server = std::make_unique<GrpcServer>(listen, *collector);
  a.Publish(NodeInventory("/only-a", 41), 1, kT0 + 4 * kSecond);
  ASSERT_TRUE(a.client->WaitAcked(10000));
  ASSERT_TRUE(b.client->WaitAcked(10000));
  ASSERT_TRUE(WaitFor([&] {
    return ExchangesReceived(*collector, "node-a") == a.exchanges &&
           ExchangesReceived(*collector, "node-b") == b.exchanges;
  })) << collector->AgentsJson();
  collector->Publish(kT0 + 5 * kSecond);
  EXPECT_EQ(testing::FindEndpoint(*collector, "id:/r0")->stats.requests, 66u);
  EXPECT_EQ(collector->findings().All().at(0).count, 66u);
  AgentsDoc doc(collector->AgentsJson());
  EXPECT_TRUE((*doc.agent("node-a"))["connected"].GetBool());
  EXPECT_EQ((*doc.agent("node-a"))["batches_dropped"].GetUint64(), 0u);
  EXPECT_EQ(testing::CounterValue(*collector, "collector_store_errors"), 0u);

  a.client->Stop();
  b.client->Stop();
  EXPECT_TRUE(WaitFor([&] {
    return !(*AgentsDoc(collector->AgentsJson()).agent("node-a"))["connected"].GetBool();
  }));
}

}  // namespace
}  // namespace apisensor::collector
