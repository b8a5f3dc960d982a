// The apisensor-collector program itself: it starts, serves /v1/agents, restores its file after
// a restart and stops cleanly on SIGTERM; what a user can get wrong is one line and exit code 2.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/collector/test_batches.h"
#include "tests/unit/collector/test_stream.h"
#include "tests/unit/collector/test_support.h"
#include "tests/unit/support/child_process.h"

namespace apisensor::collector {
namespace {

using namespace std::chrono_literals;
using apisensor::testing::ChildProcess;
using apisensor::testing::FreePort;
using testing::TempDir;

// The collector with its stderr on the pipe the test reads.
std::unique_ptr<ChildProcess> StartCollector(const std::vector<std::string>& args) {
  std::string command = "exec '" COLLECTOR_BIN "'";
  for (const std::string& a : args) command += " '" + a + "'";
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{"/bin/sh", "-c", command + " 2>&1"});
}

// Lines until one contains `needle` (returned), EOF or the timeout (nullopt); `all` gets them.
std::optional<std::string> WaitForLine(ChildProcess& p, const std::string& needle,
                                       std::string& all) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<std::string> line = p.ReadLine(500ms);
    if (!line) {
      if (!p.running()) return std::nullopt;
      continue;
    }
    all += *line + "\n";
    if (line->find(needle) != std::string::npos) return line;
  }
  return std::nullopt;
}

// Runs the collector expecting it to refuse: exit code 2 and one line holding `must_contain`.
void ExpectRefusal(const std::vector<std::string>& args, const std::string& must_contain) {
  auto p = StartCollector(args);
  std::string all;
  while (std::optional<std::string> line = p->ReadLine(5000ms)) all += *line + "\n";
  const int status = p->Stop();
  ASSERT_TRUE(WIFEXITED(status)) << all;
  EXPECT_EQ(WEXITSTATUS(status), 2) << all;
  // gRPC may log its own bind failure; ours is the one line that starts with our name.
  std::vector<std::string> ours;
  size_t start = 0;
  while (start < all.size()) {
    const size_t end = all.find('\n', start);
    const std::string line = all.substr(start, end - start);
    if (line.starts_with("apisensor-collector: ") && line.find("restored") == std::string::npos &&
        line.find("memory only") == std::string::npos) {
      ours.push_back(line);
    }
    start = end + 1;
  }
  ASSERT_EQ(ours.size(), 1u) << all;
  EXPECT_NE(ours[0].find(must_contain), std::string::npos) << ours[0];
}

TEST(CollectorBinary, StartsServesRestoresAndStopsOnSigterm) {
  TempDir dir;
  const std::string grpc = "127.0.0.1:" + std::to_string(FreePort());
  const int api_port = FreePort();
  const std::string api = "127.0.0.1:" + std::to_string(api_port);
  const std::vector<std::string> args = {"--grpc-listen",         grpc, "--listen", api, "--db",
                                         dir.file("collector.db")};
  {
    auto p = StartCollector(args);
    std::string all;
    const auto ready = WaitForLine(*p, "ready", all);
    ASSERT_TRUE(ready) << all;
    EXPECT_NE(ready->find("gRPC on " + grpc + " (plaintext)"), std::string::npos) << *ready;
    EXPECT_NE(all.find("restored 0 agents"), std::string::npos) << all;

    httplib::Client http("127.0.0.1", api_port);
    auto res = http.Get("/v1/agents");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, R"({"agents":[],"total":0})");

    // An agent streams one batch.
    {
      testing::AgentStream agent(std::stoi(grpc.substr(grpc.rfind(':') + 1)));
      ASSERT_EQ(agent.Welcome(testing::MakeHello("node-a", 9)), 0u);
      v1::Batch batch = testing::MakeBatch(1, true);
      testing::AddEndpoint(batch, "GET", "/orders/{id}", {5, 0, testing::kT0, testing::kT0});
      testing::AddExchanges(batch, 5);
      ASSERT_EQ(agent.Ack(batch), 1u);
      EXPECT_TRUE(agent.Finish().ok());
    }

    // A second collector on the same ports is refused with one sentence each.
    ExpectRefusal(
        {"--grpc-listen", grpc, "--listen", "127.0.0.1:" + std::to_string(FreePort()), "--db", ""},
        "cannot listen on " + grpc + " for agents");
    ExpectRefusal({"--grpc-listen", "127.0.0.1:0", "--listen", api, "--db", ""},
                  "cannot listen on " + api);

    kill(p->pid(), SIGTERM);
    EXPECT_TRUE(WaitForLine(*p, "stopped, counters", all)) << all;
    const int status = p->Stop();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << all;
  }
  // Restarted on its file: the agent, its endpoint and where its stream resumes are back.
  auto p = StartCollector(args);
  std::string all;
  ASSERT_TRUE(WaitForLine(*p, "ready", all)) << all;
  EXPECT_NE(all.find("restored 1 agents"), std::string::npos) << all;
  httplib::Client http("127.0.0.1", api_port);
  auto agents = http.Get("/v1/agents");
  ASSERT_TRUE(agents);
  testing::AgentsDoc doc(agents->body);
  ASSERT_NE(doc.agent("node-a"), nullptr) << agents->body;
  EXPECT_EQ((*doc.agent("node-a"))["exchanges_received"].GetUint64(), 5u);
  EXPECT_FALSE((*doc.agent("node-a"))["connected"].GetBool());
  auto endpoints = http.Get("/v1/endpoints");
  ASSERT_TRUE(endpoints);
  EXPECT_NE(endpoints->body.find("\"requests\":5"), std::string::npos) << endpoints->body;
  testing::AgentStream agent(std::stoi(grpc.substr(grpc.rfind(':') + 1)));
  EXPECT_EQ(agent.Welcome(testing::MakeHello("node-a", 9)), 1u);
  agent.Cancel();
}

TEST(CollectorBinary, WhatAUserGetsWrongIsOneLineAndExitCodeTwo) {
  TempDir dir;
  const std::string api = "127.0.0.1:" + std::to_string(FreePort());
  ExpectRefusal({"--grpc-listen", "127.0.0.1:0", "--listen", api, "--db", dir.path()},
                "is a directory");
  ExpectRefusal({"--grpc-listen", "127.0.0.1:0", "--listen", api, "--db", "", "--tls-cert",
                 dir.file("missing.pem"), "--tls-key", dir.file("missing.key")},
                "cannot read --tls-cert");
  ExpectRefusal({"--grpc-listen", "0.0.0.0:0", "--listen", api, "--db", ""}, "--insecure");
}

}  // namespace
}  // namespace apisensor::collector
