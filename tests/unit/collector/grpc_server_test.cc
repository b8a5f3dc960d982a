// The collector's gRPC server on a loopback port with real gRPC client streams: Hello/Welcome,
// batches and acks, the bearer token, TLS and mutual TLS with certificates made at test time,
// the stream cap, and the one-sentence refusals to start.
#include "collector/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "apisensor/collector/v1/collector.grpc.pb.h"
#include "tests/unit/collector/test_batches.h"
#include "tests/unit/collector/test_stream.h"
#include "tests/unit/collector/test_support.h"
#include "tests/unit/exporters_collector/test_pki.h"

namespace apisensor::collector {
namespace {

using namespace apisensor::collector::testing;
using namespace std::chrono_literals;
using apisensor::testing::TestPki;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

GrpcListenOptions Loopback() {
  GrpcListenOptions o;
  o.listen = "127.0.0.1:0";
  return o;
}

bool Connected(const Collector& c, const std::string& agent) {
  AgentsDoc doc(c.AgentsJson());
  return doc.agent(agent) != nullptr && (*doc.agent(agent))["connected"].GetBool();
}

TEST(GrpcServer, HelloIsWelcomedAndEveryBatchAckedOnceStored) {
  Collector c({});
  GrpcServer server(Loopback(), c);
  ASSERT_GT(server.port(), 0);
  EXPECT_NE(server.description().find("plaintext"), std::string::npos);
  {
    AgentStream agent(server.port());
    EXPECT_EQ(agent.Welcome(MakeHello("node-a", 5)), 0u);
    EXPECT_TRUE(Connected(c, "node-a"));
    v1::Batch b1 = MakeBatch(1, true);
    AddEndpoint(b1, "GET", "/orders/{id}", {10, 0, kT0, kT0});
    AddExchanges(b1, 10);
    EXPECT_EQ(agent.Ack(b1), 1u);
    v1::Batch b2 = MakeBatch(2);
    AddFinding(b2, "10.0.0.51", 1, kT0, kT0);
    EXPECT_EQ(agent.Ack(b2), 2u);
    EXPECT_EQ(agent.Ack(b1), 1u);  // a resend: skipped, acknowledged again
    EXPECT_TRUE(agent.Finish().ok());
  }
  EXPECT_TRUE(WaitFor([&] { return !Connected(c, "node-a"); }));
  c.Publish(kT0);
  EXPECT_EQ(FindEndpoint(c, EndpointId("GET", "/orders/{id}"))->stats.requests, 10u);
  EXPECT_EQ(c.findings().All().size(), 1u);
  EXPECT_EQ(CounterValue(c, "collector_batches_duplicate"), 1u);
  EXPECT_EQ(CounterValue(c, "collector_exchanges_received"), 10u);

  // Reconnected, the same process learns what was stored.
  AgentStream again(server.port());
  EXPECT_EQ(again.Welcome(MakeHello("node-a", 5)), 2u);
  EXPECT_EQ(again.Ack(MakeBatch(3)), 3u);
  EXPECT_EQ(CounterValue(c, "collector_streams_opened"), 2u);
  EXPECT_EQ(CounterValue(c, "collector_streams_active"), 1u);
  again.Cancel();
  EXPECT_TRUE(WaitFor([&] { return CounterValue(c, "collector_streams_active") == 0; }));
  EXPECT_FALSE(Connected(c, "node-a"));
}

TEST(GrpcServer, ProtocolErrorsEndTheStreamWithInvalidArgument) {
  Collector c({});
  GrpcServer server(Loopback(), c);
  {
    AgentStream agent(server.port());
    agent.Batch(MakeBatch(1));
    const grpc::Status status = agent.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("Hello"), std::string::npos);
  }
  {
    AgentStream agent(server.port());
    agent.Hello(MakeHello("node-a", 0));
    EXPECT_EQ(agent.Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    AgentStream agent(server.port());
    ASSERT_EQ(agent.Welcome(MakeHello("node-a", 1)), 0u);
    agent.Hello(MakeHello("node-a", 1));
    EXPECT_EQ(agent.Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  EXPECT_EQ(CounterValue(c, "collector_streams_invalid"), 3u);
}

TEST(GrpcServer, AMissingOrWrongBearerTokenIsRefusedUnauthenticated) {
  TempDir dir;
  GrpcListenOptions options = Loopback();
  options.token_file = dir.file("token");
  std::ofstream(options.token_file) << "s3cret-token\n";
  Collector c({});
  GrpcServer server(options, c);
  EXPECT_NE(server.description().find("token"), std::string::npos);
  for (const std::string& token : {std::string(), std::string("s3cret-tokeX"),
                                   std::string("s3cret"), std::string("s3cret-token2")}) {
    AgentStream agent(server.port(), std::nullopt, token);
    agent.Hello(MakeHello("node-a", 1));
    const grpc::Status status = agent.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << token;
    EXPECT_NE(status.error_message().find("Bearer"), std::string::npos);
  }
  EXPECT_EQ(CounterValue(c, "collector_streams_unauthenticated"), 4u);
  EXPECT_EQ(c.AgentsJson().find("node-a"), std::string::npos);

  AgentStream agent(server.port(), std::nullopt, "s3cret-token");
  EXPECT_EQ(agent.Welcome(MakeHello("node-a", 1)), 0u);
  EXPECT_EQ(agent.Ack(MakeBatch(1)), 1u);
  EXPECT_TRUE(agent.Finish().ok());
}

TEST(GrpcServer, ServesTlsWithACertificateMadeAtTestTime) {
  TestPki pki;
  TestPki other("another CA");
  GrpcListenOptions options = Loopback();
  options.tls_cert_file = pki.dir + "/server.pem";
  options.tls_key_file = pki.dir + "/server.key";
  Collector c({});
  GrpcServer server(options, c);
  EXPECT_NE(server.description().find("TLS"), std::string::npos);
  {
    AgentStream agent(server.port(), ClientTls{pki.ca_pem, "", ""});
    EXPECT_EQ(agent.Welcome(MakeHello("node-a", 1)), 0u);
    EXPECT_EQ(agent.Ack(MakeBatch(1)), 1u);
    EXPECT_TRUE(agent.Finish().ok());
  }
  {
    AgentStream plaintext(server.port());
    EXPECT_EQ(plaintext.Welcome(MakeHello("node-b", 1)), std::nullopt);
    EXPECT_FALSE(plaintext.Finish().ok());
  }
  {
    AgentStream untrusted(server.port(), ClientTls{other.ca_pem, "", ""});
    EXPECT_EQ(untrusted.Welcome(MakeHello("node-c", 1)), std::nullopt);
    EXPECT_EQ(untrusted.Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  EXPECT_EQ(AgentsDoc(c.AgentsJson()).doc["total"].GetUint64(), 1u);
}

// cert-manager renews a Secret in place: the collector serves the new certificate without a
// restart.
TEST(GrpcServer, ARenewedCertificateIsServedWithoutARestart) {
  TestPki first;
  TestPki renewed("the renewing CA");
  GrpcListenOptions options = Loopback();
  options.tls_cert_file = first.Write("live.pem", first.server_cert_pem);
  options.tls_key_file = first.Write("live.key", first.server_key_pem);
  options.tls_reload_interval_s = 1;
  Collector c({});
  GrpcServer server(options, c);
  auto welcomed_by = [&](const std::string& ca, const std::string& agent) {
    AgentStream stream(server.port(), ClientTls{ca, "", ""});
    const bool welcomed = stream.Welcome(MakeHello(agent, 1)).has_value();
    stream.Finish();
    return welcomed;
  };
  EXPECT_TRUE(welcomed_by(first.ca_pem, "node-a"));
  EXPECT_FALSE(welcomed_by(renewed.ca_pem, "node-b"));

  first.Write("live.key", renewed.server_key_pem);
  first.Write("live.pem", renewed.server_cert_pem);
  int attempt = 0;
  EXPECT_TRUE(WaitFor(
      [&] { return welcomed_by(renewed.ca_pem, "node-c" + std::to_string(++attempt)); }, 10s));
  EXPECT_FALSE(welcomed_by(first.ca_pem, "node-d"));

  // A half-written renewal fails handshakes only until the files are whole again.
  first.Write("live.pem", "not a certificate");
  std::this_thread::sleep_for(2500ms);
  first.Write("live.pem", renewed.server_cert_pem);
  EXPECT_TRUE(WaitFor(
      [&] { return welcomed_by(renewed.ca_pem, "node-e" + std::to_string(++attempt)); }, 10s));
}

TEST(GrpcServer, MutualTlsDemandsAClientCertificateSignedByTheClientCa) {
  TestPki pki;
  TestPki other("another CA");
  GrpcListenOptions options = Loopback();
  options.tls_cert_file = pki.dir + "/server.pem";
  options.tls_key_file = pki.dir + "/server.key";
  options.client_ca_file = pki.ca_file();
  Collector c({});
  GrpcServer server(options, c);
  EXPECT_NE(server.description().find("client certificates"), std::string::npos);
  {
    AgentStream without(server.port(), ClientTls{pki.ca_pem, "", ""});
    EXPECT_EQ(without.Welcome(MakeHello("node-x", 1)), std::nullopt);
    EXPECT_FALSE(without.Finish().ok());
  }
  {
    AgentStream foreign(server.port(),
                        ClientTls{pki.ca_pem, other.client_cert_pem, other.client_key_pem});
    EXPECT_EQ(foreign.Welcome(MakeHello("node-y", 1)), std::nullopt);
    EXPECT_FALSE(foreign.Finish().ok());
  }
  {
    AgentStream agent(server.port(),
                      ClientTls{pki.ca_pem, pki.client_cert_pem, pki.client_key_pem});
    EXPECT_EQ(agent.Welcome(MakeHello("node-a", 1)), 0u);
    EXPECT_EQ(agent.Ack(MakeBatch(1)), 1u);
    EXPECT_TRUE(agent.Finish().ok());
  }
  AgentsDoc doc(c.AgentsJson());
  EXPECT_EQ(doc.doc["total"].GetUint64(), 1u);
  EXPECT_NE(doc.agent("node-a"), nullptr);
}

TEST(GrpcServer, StreamsBeyondTheCapAreRefusedAndCounted) {
  GrpcListenOptions options = Loopback();
  options.max_streams = 1;
  Collector c({});
  GrpcServer server(options, c);
  AgentStream first(server.port());
  ASSERT_EQ(first.Welcome(MakeHello("node-a", 1)), 0u);
  {
    AgentStream second(server.port());
    second.Hello(MakeHello("node-b", 1));
    const grpc::Status status = second.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(status.error_message().find("maximum of 1 streams"), std::string::npos);
  }
  EXPECT_EQ(CounterValue(c, "collector_streams_over_capacity"), 1u);
  EXPECT_TRUE(first.Finish().ok());
  ASSERT_TRUE(WaitFor([&] { return CounterValue(c, "collector_streams_active") == 0; }));
  AgentStream third(server.port());
  EXPECT_EQ(third.Welcome(MakeHello("node-b", 1)), 0u);
  EXPECT_TRUE(third.Finish().ok());
}

// A connection that opens a stream and says nothing, or an agent that goes silent, gives its
// slot back instead of holding it until TCP keepalive notices (or forever).
TEST(GrpcServer, StreamsThatSayNothingAreEndedAndCounted) {
  GrpcListenOptions options = Loopback();
  options.max_streams = 1;
  options.hello_timeout = 300ms;
  options.idle_timeout = 600ms;
  Collector c({});
  GrpcServer server(options, c);
  const auto start = std::chrono::steady_clock::now();
  {
    AgentStream mute(server.port());
    EXPECT_EQ(mute.Read(), std::nullopt);  // ended by the collector, not by the test's deadline
    EXPECT_FALSE(mute.Finish().ok());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(WaitFor([&] { return CounterValue(c, "collector_streams_timed_out") == 1; }));
  {
    // The slot is free again; an agent that keeps talking is not cut, one that stops is.
    AgentStream agent(server.port());
    EXPECT_EQ(agent.Welcome(MakeHello("node-a", 1)), 0u);
    for (uint64_t sequence = 1; sequence <= 4; ++sequence) {
      std::this_thread::sleep_for(300ms);
      EXPECT_EQ(agent.Ack(MakeBatch(sequence)), sequence);
    }
    EXPECT_EQ(agent.Read(), std::nullopt);
  }
  EXPECT_TRUE(WaitFor([&] { return CounterValue(c, "collector_streams_timed_out") == 2; }));
  EXPECT_EQ(CounterValue(c, "collector_streams_over_capacity"), 0u);
}

TEST(GrpcServer, AnAgentBeyondMaxAgentsIsRefusedResourceExhausted) {
  CollectorOptions core;
  core.limits.max_agents = 1;
  Collector c(core);
  GrpcServer server(Loopback(), c);
  AgentStream a(server.port());
  ASSERT_EQ(a.Welcome(MakeHello("node-a", 1)), 0u);
  AgentStream b(server.port());
  b.Hello(MakeHello("node-b", 1));
  EXPECT_EQ(b.Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(a.Finish().ok());
  EXPECT_EQ(CounterValue(c, "collector_streams_over_capacity"), 1u);
}

TEST(GrpcServer, ABatchTheStoreCannotTakeEndsTheStreamUnavailableWithoutAnAck) {
  TempDir dir;
  CollectorOptions core;
  core.db_path = dir.file("collector.db");
  Collector c(core);
  GrpcServer server(Loopback(), c);
  AgentStream agent(server.port());
  ASSERT_EQ(agent.Welcome(MakeHello("node-a", 1)), 0u);
  ASSERT_EQ(agent.Ack(MakeBatch(1)), 1u);
  // Break the store from outside: the next batch cannot be stored.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(core.db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE agent_findings", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  v1::Batch b2 = MakeBatch(2);
  AddFinding(b2, "10.0.0.51", 1, kT0, kT0);
  EXPECT_EQ(agent.Ack(b2), std::nullopt);
  const grpc::Status status = agent.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("could not store batch 2"), std::string::npos)
      << status.error_message();
}

// Starting the server with `options` fails with one sentence holding `must_contain`.
void ExpectRefused(const GrpcListenOptions& options, const std::string& must_contain) {
  Collector c({});
  try {
    GrpcServer server(options, c);
    ADD_FAILURE() << "started; expected: " << must_contain;
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(must_contain), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(GrpcServer, RefusalsToStartAreOneSentenceNamingTheFlag) {
  TestPki pki;
  const std::string cert = pki.dir + "/server.pem";
  const std::string key = pki.dir + "/server.key";

  Collector c({});
  GrpcServer taken(Loopback(), c);
  GrpcListenOptions o = Loopback();
  o.listen = "127.0.0.1:" + std::to_string(taken.port());
  ExpectRefused(o, "--grpc-listen");

  o = Loopback();
  o.tls_cert_file = pki.dir + "/missing.pem";
  o.tls_key_file = key;
  ExpectRefused(o, "cannot read --tls-cert " + pki.dir + "/missing.pem (No such file");
  o.tls_cert_file = pki.Write("garbage.pem", "not a certificate");
  ExpectRefused(o, "--tls-cert " + pki.dir + "/garbage.pem holds no PEM certificate");
  o.tls_cert_file = cert;
  o.tls_key_file = pki.dir + "/client.key";
  ExpectRefused(o, "is not the key of the certificate");
  o.tls_key_file = cert;
  ExpectRefused(o, "--tls-key " + cert + " holds no unencrypted PEM private key");
  o.tls_key_file = "";
  ExpectRefused(o, "TLS needs both --tls-cert and --tls-key");
  o.tls_key_file = key;
  o.client_ca_file = pki.Write("ca-garbage.pem", "-----BEGIN NOTHING-----");
  ExpectRefused(o, "--client-ca");

  o = Loopback();
  o.client_ca_file = pki.ca_file();
  ExpectRefused(o, "--client-ca needs TLS");

  o = Loopback();
  o.listen = "0.0.0.0:0";
  ExpectRefused(o, "--insecure");
  o.insecure = true;
  {
    GrpcServer plaintext_on_purpose(o, c);
    EXPECT_GT(plaintext_on_purpose.port(), 0);
  }

  o = Loopback();
  o.token_file = pki.Write("empty-token", "\n");
  ExpectRefused(o, "--token-file " + pki.dir + "/empty-token is empty");
  o.token_file = pki.dir + "/no-token";
  ExpectRefused(o, "cannot read --token-file");
}

}  // namespace
}  // namespace apisensor::collector
