// The agent's HTTP API over the collector's cluster view, as main.cc wires it: the merged
// inventory, findings and OpenAPI, the collector's counters, and GET /v1/agents.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <string>

#include "agent/api/api_server.h"
#include "collector/collector.h"
#include "tests/unit/collector/test_batches.h"
#include "tests/unit/collector/test_support.h"
#include "tests/unit/support/child_process.h"

namespace apisensor::collector {
namespace {

using namespace apisensor::collector::testing;

rapidjson::Document Get(httplib::Client& http, const std::string& path) {
  rapidjson::Document doc;
  auto res = http.Get(path);
  if (!res) {
    ADD_FAILURE() << "GET " << path << " failed";
    return doc;
  }
  EXPECT_EQ(res->status, 200) << path << ": " << res->body;
  doc.Parse(res->body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << path << ": " << res->body;
  return doc;
}

TEST(CollectorApi, ServesTheMergedClusterAndItsAgents) {
  Collector c({});
  c.Hello(MakeHello("node-a", 1));
  c.Hello(MakeHello("node-b", 2));
  std::string error;
  v1::Batch a = MakeBatch(1, true);
  AddEndpoint(a, "GET", "/orders/{id}", {30, 3, kT0 + kSecond, kT0 + 9 * kSecond});
  AddService(a, "a.internal", 30, kT0 + kSecond, kT0 + 9 * kSecond);
  AddFinding(a, "10.0.0.51", 1, kT0, kT0 + kSecond);
  AddExchanges(a, 30);
  SetHeartbeat(a, kT0 + 9 * kSecond, "1.2.3", 4, 40);
  ASSERT_EQ(c.Apply("node-a", 1, a, error), BatchOutcome::kStored);
  v1::Batch b = MakeBatch(1, true);
  AddEndpoint(b, "GET", "/orders/{id}", {20, 0, kT0, kT0 + 8 * kSecond});
  AddFinding(b, "10.0.0.51", 1, kT0 + kSecond, kT0 + 2 * kSecond);
  ASSERT_EQ(c.Apply("node-b", 2, b, error), BatchOutcome::kStored);
  c.Publish(kT0 + 10 * kSecond);

  const int port = apisensor::testing::FreePort();
  api::ApiServer server("127.0.0.1:" + std::to_string(port), "",
                        api::ApiSources{c.counter_board(), c.inventory_board(), c.findings(),
                                        [&c] { return c.AgentsJson(); }});
  httplib::Client http("127.0.0.1", port);
  http.set_connection_timeout(2);
  http.set_read_timeout(5);

  rapidjson::Document endpoints = Get(http, "/v1/endpoints?service=orders");
  ASSERT_TRUE(endpoints.HasMember("endpoints"));
  ASSERT_EQ(endpoints["endpoints"].Size(), 1u);
  EXPECT_EQ(endpoints["endpoints"][0]["requests"].GetUint64(), 50u);
  EXPECT_STREQ(endpoints["endpoints"][0]["path"].GetString(), "/orders/{id}");

  rapidjson::Document services = Get(http, "/v1/services");
  ASSERT_EQ(services["services"].Size(), 1u);
  EXPECT_STREQ(services["services"][0]["name"].GetString(), "orders");

  rapidjson::Document findings = Get(http, "/v1/findings");
  ASSERT_EQ(findings["findings"].Size(), 1u);
  EXPECT_EQ(findings["findings"][0]["count"].GetUint64(), 2u);
  EXPECT_STREQ(findings["findings"][0]["caller"].GetString(), "10.0.0.51");

  rapidjson::Document openapi = Get(http, "/v1/openapi?service=orders");
  ASSERT_TRUE(openapi.HasMember("paths"));
  EXPECT_TRUE(openapi["paths"].HasMember("/orders/{id}"));

  rapidjson::Document agents = Get(http, "/v1/agents");
  ASSERT_EQ(agents["agents"].Size(), 2u);
  const rapidjson::Value& na = agents["agents"][0];
  EXPECT_STREQ(na["agent_id"].GetString(), "node-a");
  EXPECT_STREQ(na["version"].GetString(), "1.2.3");
  EXPECT_TRUE(na["connected"].GetBool());
  EXPECT_TRUE(na["last_heartbeat"].IsString());
  EXPECT_EQ(na["exchanges_received"].GetUint64(), 30u);
  EXPECT_EQ(na["batches_dropped"].GetUint64(), 4u);
  EXPECT_EQ(na["items_dropped"].GetUint64(), 40u);

  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("apisensor_collector_batches_applied_total 2"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("apisensor_collector_agents_connected 2"), std::string::npos);
}

// The liveness probe fails once the loop that publishes the counters stops (a stuck capture or
// pipeline), and recovers when it publishes again.
TEST(AgentApi, HealthzFailsWhenTheMainLoopStopsPublishing) {
  std::atomic<int64_t> seconds{3600};  // read by the server's thread
  metrics::CounterBoard board(
      [&seconds] { return std::chrono::steady_clock::time_point(std::chrono::seconds(seconds)); });
  Collector c({});
  const int port = apisensor::testing::FreePort();
  api::ApiServer server("127.0.0.1:" + std::to_string(port), "",
                        api::ApiSources{board, c.inventory_board(), c.findings()});
  httplib::Client http("127.0.0.1", port);
  http.set_connection_timeout(2);
  http.set_read_timeout(5);
  auto status = [&http] {
    auto res = http.Get("/healthz");
    return res ? std::to_string(res->status) + " " + res->body : std::string("no answer");
  };
  EXPECT_EQ(status(), "200 ok\n");  // not started yet
  board.Publish({}, "{}");
  seconds += 29;
  EXPECT_EQ(status(), "200 ok\n");
  seconds += 2;
  EXPECT_EQ(status(),
            "503 stalled: the main loop has not made progress for 31 s (capture or pipeline "
            "stuck)\n");
  board.Publish({}, "{}");
  EXPECT_EQ(status(), "200 ok\n");
}

TEST(AgentApi, ListenMustBeHostAndPortWithIpv6InBrackets) {
  metrics::CounterBoard board;
  Collector c({});
  const api::ApiSources sources{board, c.inventory_board(), c.findings()};
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", ":9464",
                          "::1:9464", "[::1]9464", "[::1"}) {
    try {
      api::ApiServer server(bad, "", sources);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("--listen must be host:port (for example 127.0.0.1:9464, or "
                            "[::1]:9464), not '") +
                    bad + "'");
    }
  }
  // Bracketed IPv6 loopback needs no token.
  const int port = apisensor::testing::FreePort();
  EXPECT_NO_THROW(api::ApiServer("[::1]:" + std::to_string(port), "", sources));
}

}  // namespace
}  // namespace apisensor::collector
