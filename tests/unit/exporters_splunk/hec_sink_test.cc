// The splunk_hec sink against a real HEC-speaking receiver (tests/receivers/hec_receiver.py):
// what arrives, how busy, throttling, refusing, acknowledging and TLS servers are handled, and
// that no network call outlives timeout_ms.
#include "exporters/splunk/hec_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

#include "exporters/core/sink_runner.h"
#include "tests/unit/exporters_ocsf/ocsf_validator.h"
#include "tests/unit/exporters_splunk/hec_test_util.h"

namespace apisensor::exporters::splunk {
namespace {

using test::HecReceiver;
using test::MakeExchange;
using test::MakeFinding;
using test::MakeHecSink;
using test::TempDir;
using test::WaitFor;

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kOpenssl = "/usr/bin/openssl";

std::vector<ExportItemPtr> Findings(int n) {
  std::vector<ExportItemPtr> items;
  for (int i = 0; i < n; ++i) items.push_back(MakeFinding(i));
  return items;
}

// A runner that retries fast and collects its log lines.
struct Runner {
  Runner(std::unique_ptr<Sink> sink, size_t max_batch = 100) {
    SinkOptions o;
    o.name = "splunk";
    o.type = "splunk_hec";
    o.exchanges = true;
    o.max_batch = max_batch;
    o.batch_wait_ms = 50;
    o.backoff_initial_ms = 10;
    o.backoff_max_ms = 40;
    o.drain_timeout_ms = 0;
    runner = std::make_unique<SinkRunner>(o, std::move(sink), [this](const std::string& line) {
      std::lock_guard lock(mu);
      log.push_back(line);
    });
  }
  std::string Log() {
    std::lock_guard lock(mu);
    std::string all;
    for (const std::string& line : log) all += line + "\n";
    return all;
  }
  std::mutex mu;
  std::vector<std::string> log;
  std::unique_ptr<SinkRunner> runner;
};

std::string Str(const rapidjson::Value& v) { return v.IsString() ? v.GetString() : "<not text>"; }

// The finding ids of every accepted event, in arrival order.
std::vector<std::string> AcceptedIds(const HecReceiver& receiver) {
  std::vector<std::string> ids;
  for (const rapidjson::Document& batch : receiver.AcceptedBatches()) {
    for (const rapidjson::Value& event : batch["events"].GetArray()) {
      ids.push_back(Str(event["event"]["id"]));
    }
  }
  return ids;
}

class HecSinkTest : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_PROGRAM(kPython); }
  std::string TokenFile(const std::string& token = HecReceiver::kToken) {
    return dir.File("token", token + "\n");
  }
  TempDir dir;
};

TEST_F(HecSinkTest, ABatchArrivesCompleteGzippedWithTokenAndFields) {
  HecReceiver receiver;
  Runner r(MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() +
                       ", index: security, host: node-1}"));
  std::vector<ExportItemPtr> items = {MakeFinding(0), MakeFinding(1), MakeExchange(2),
                                      MakeFinding(3), MakeExchange(4)};
  r.runner->Offer(items);
  ASSERT_TRUE(r.runner->WaitIdle(5000));
  const SinkStats stats = r.runner->stats();
  EXPECT_EQ(stats.delivered, 5u);
  EXPECT_EQ(stats.retries, 0u);

  const std::vector<rapidjson::Document> batches = receiver.AcceptedBatches();
  ASSERT_EQ(batches.size(), 1u);  // one POST for the whole batch
  const rapidjson::Document& batch = batches[0];
  EXPECT_EQ(Str(batch["path"]), "/services/collector/event");
  EXPECT_EQ(Str(batch["headers"]["authorization"]), std::string("Splunk ") + HecReceiver::kToken);
  EXPECT_EQ(Str(batch["headers"]["content-encoding"]), "gzip");
  EXPECT_EQ(Str(batch["headers"]["content-type"]), "application/json");
  EXPECT_TRUE(batch["headers"]["channel"].IsNull());  // ack is off

  const auto& events = batch["events"];
  ASSERT_EQ(events.Size(), 5u);
  const std::vector<std::string> kinds = {"finding", "finding", "exchange", "finding", "exchange"};
  for (rapidjson::SizeType i = 0; i < events.Size(); ++i) {
    const rapidjson::Value& e = events[i];
    EXPECT_EQ(Str(e["host"]), "node-1");
    EXPECT_EQ(Str(e["source"]), "apisensor");
    EXPECT_EQ(Str(e["index"]), "security");
    EXPECT_EQ(Str(e["sourcetype"]), "apisensor:" + kinds[i]);
    EXPECT_EQ(Str(e["event"]["kind"]), kinds[i]);
    EXPECT_NEAR(e["time"].GetDouble(), 1700000000.123 + 0.001 * i, 1e-5);
  }
  EXPECT_EQ(Str(events[3]["event"]["id"]), "f3");
  EXPECT_EQ(Str(events[4]["event"]["path"]), "/orders/4");
}

TEST_F(HecSinkTest, PlainBodiesCustomPathAndMetadataDefaults) {
  HecReceiver receiver;
  Runner r(MakeHecSink("{url: '" + receiver.url() + "/services/collector', token_file: " +
                       TokenFile() + ", gzip: false, format: ocsf}"));
  r.runner->Offer(std::vector<ExportItemPtr>{MakeFinding(0), MakeExchange(1)});
  ASSERT_TRUE(r.runner->WaitIdle(5000));
  EXPECT_EQ(r.runner->stats().delivered, 2u);
  const std::vector<rapidjson::Document> batches = receiver.AcceptedBatches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(Str(batches[0]["path"]), "/services/collector");
  EXPECT_TRUE(batches[0]["headers"]["content-encoding"].IsNull());
  char hostname[256] = {};
  gethostname(hostname, sizeof hostname - 1);
  std::set<int> classes;
  for (const rapidjson::Value& e : batches[0]["events"].GetArray()) {
    EXPECT_EQ(Str(e["host"]), hostname);
    EXPECT_EQ(Str(e["sourcetype"]), "apisensor:ocsf");  // one sourcetype for every OCSF class
    EXPECT_FALSE(e.HasMember("index"));                 // the token's default index
    // What Splunk indexes is the OCSF event itself, valid by the schema subset.
    const std::vector<std::string> problems =
        apisensor::testing::OcsfValidator::Default().Validate(e["event"]);
    EXPECT_TRUE(problems.empty()) << apisensor::testing::JoinLines(problems);
    if (e["event"].HasMember("class_uid")) classes.insert(e["event"]["class_uid"].GetInt());
  }
  EXPECT_EQ(classes, (std::set<int>{2004, 6003}));
}

TEST_F(HecSinkTest, BusyAndThrottledServerIsRetriedWithoutLossOrDuplicates) {
  HecReceiver receiver({"--fail-first", "2", "--throttle", "1"});
  Runner r(MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() + "}"),
           /*max_batch=*/4);
  r.runner->Offer(Findings(10));
  ASSERT_TRUE(r.runner->WaitIdle(10000));
  const SinkStats stats = r.runner->stats();
  EXPECT_EQ(stats.retries, 3u);
  EXPECT_EQ(stats.delivered, 10u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_FALSE(stats.failing);

  std::vector<std::string> ids = AcceptedIds(receiver);
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.push_back("f" + std::to_string(i));
  EXPECT_EQ(ids, expected);  // each exactly once, in order

  const std::string log = r.Log();
  EXPECT_NE(log.find("is busy, its indexing queues are full (HTTP 503, code 9: Server is busy)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("is throttling requests (HTTP 429"), std::string::npos) << log;
  EXPECT_NE(log.find("delivering again"), std::string::npos) << log;
}

TEST_F(HecSinkTest, AnInvalidTokenIsRejectedWithASentenceAboutTokenFile) {
  HecReceiver receiver;
  const std::string token_file = TokenFile("wrong-token-abcdef");
  Runner r(MakeHecSink("{url: '" + receiver.url() + "', token_file: " + token_file + "}"));
  r.runner->Offer(Findings(3));
  ASSERT_TRUE(r.runner->WaitIdle(5000));
  const SinkStats stats = r.runner->stats();
  EXPECT_EQ(stats.rejected, 3u);
  EXPECT_EQ(stats.delivered, 0u);
  EXPECT_EQ(stats.retries, 0u);  // a bad token does not get better by retrying
  const std::string error = r.runner->last_error();
  EXPECT_NE(error.find("refused the token (HTTP 403, code 4: Invalid token): check that " +
                       token_file + " holds a valid HEC token."),
            std::string::npos)
      << error;
  EXPECT_EQ(r.Log().find("wrong-token-abcdef"), std::string::npos);
  EXPECT_TRUE(AcceptedIds(receiver).empty());
}

TEST_F(HecSinkTest, ADisabledTokenIsRejected) {
  HecReceiver receiver({"--token-disabled"});
  Runner r(MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() + "}"));
  r.runner->Offer(Findings(1));
  ASSERT_TRUE(r.runner->WaitIdle(5000));
  EXPECT_EQ(r.runner->stats().rejected, 1u);
  EXPECT_NE(r.runner->last_error().find("disabled (HTTP 403, code 1"), std::string::npos)
      << r.runner->last_error();
}

TEST_F(HecSinkTest, AnIndexTheTokenMayNotWriteIsRejected) {
  HecReceiver receiver({"--allowed-index", "main"});
  Runner r(MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() +
                       ", index: secret}"));
  r.runner->Offer(Findings(2));
  ASSERT_TRUE(r.runner->WaitIdle(5000));
  EXPECT_EQ(r.runner->stats().rejected, 2u);
  EXPECT_NE(r.runner->last_error().find("refused the index \"secret\" (HTTP 400, code 7"),
            std::string::npos)
      << r.runner->last_error();
}

TEST_F(HecSinkTest, AckModeWaitsUntilTheBatchIsIndexed) {
  HecReceiver receiver({"--ack", "--ack-after-polls", "2"});
  auto sink = MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() +
                          ", ack: true, ack_timeout_ms: 5000}");
  const std::string channel = dynamic_cast<HecSink&>(*sink).channel();
  Runner r(std::move(sink));
  r.runner->Offer(Findings(3));
  ASSERT_TRUE(r.runner->WaitIdle(8000));
  const SinkStats stats = r.runner->stats();
  EXPECT_EQ(stats.delivered, 3u);
  EXPECT_EQ(stats.retries, 0u);

  const std::vector<rapidjson::Document> records = receiver.Records();
  ASSERT_EQ(records.size(), 4u);  // the POST, then three polls: false, false, true
  EXPECT_EQ(Str(records[0]["kind"]), "events");
  EXPECT_EQ(Str(records[0]["headers"]["channel"]), channel);
  EXPECT_EQ(records[0]["ack_id"].GetInt(), 0);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(Str(records[i]["kind"]), "acks");
    EXPECT_EQ(records[i]["acks"]["0"].GetBool(), i == 3) << i;
  }
  EXPECT_EQ(AcceptedIds(receiver), (std::vector<std::string>{"f0", "f1", "f2"}));
}

TEST_F(HecSinkTest, AnUnacknowledgedBatchIsSentAgainAfterAckTimeout) {
  HecReceiver receiver({"--ack", "--never-ack"});
  Runner r(MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() +
                       ", ack: true, ack_timeout_ms: 200}"));
  r.runner->Offer(Findings(2));
  ASSERT_TRUE(WaitFor([&] { return receiver.AcceptedBatches().size() >= 2; }));
  EXPECT_GE(r.runner->stats().retries, 1u);
  EXPECT_EQ(r.runner->stats().delivered, 0u);
  const std::vector<std::string> ids = AcceptedIds(receiver);
  ASSERT_GE(ids.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 4),
            (std::vector<std::string>{"f0", "f1", "f0", "f1"}));  // the same batch, resent
  EXPECT_NE(r.runner->last_error().find("did not acknowledge the batch within 200 ms"),
            std::string::npos)
      << r.runner->last_error();
}

TEST_F(HecSinkTest, ATokenThatRequiresAckTellsTheUserToTurnItOn) {
  HecReceiver receiver({"--ack"});
  Runner r(MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() + "}"));
  r.runner->Offer(Findings(1));
  ASSERT_TRUE(r.runner->WaitIdle(5000));
  EXPECT_EQ(r.runner->stats().rejected, 1u);
  EXPECT_NE(r.runner->last_error().find("set ack: true"), std::string::npos);
}

TEST_F(HecSinkTest, AStalledServerCostsAtMostTimeoutMs) {
  HecReceiver receiver({"--stall-first", "1", "--stall-ms", "4000"});
  auto sink = MakeHecSink("{url: '" + receiver.url() + "', token_file: " + TokenFile() +
                          ", timeout_ms: 300}");
  const std::vector<ExportItemPtr> items = Findings(1);
  const auto start = std::chrono::steady_clock::now();
  const DeliveryResult stalled = sink->Deliver(items);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(stalled.outcome, Delivery::kRetry);
  EXPECT_NE(stalled.error.find("did not answer within 300 ms"), std::string::npos) << stalled.error;
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  // The next attempt, on a new connection, goes through.
  EXPECT_EQ(sink->Deliver(items).outcome, Delivery::kDelivered);
}

TEST_F(HecSinkTest, AnUnreachableHecIsRetriedWithOneSentence) {
  const int port = testing::FreePort();
  auto sink = MakeHecSink("{url: 'http://127.0.0.1:" + std::to_string(port) +
                          "', token_file: " + TokenFile() + ", timeout_ms: 500}");
  const DeliveryResult result = sink->Deliver(Findings(1));
  EXPECT_EQ(result.outcome, Delivery::kRetry);
  EXPECT_EQ(result.error, "cannot connect to Splunk HEC at 127.0.0.1:" + std::to_string(port) +
                              " (refused, unreachable or unresolvable).");
}

// A CA and a server certificate for 127.0.0.1, and a second CA that signed nothing of it.
struct TestPki {
  explicit TestPki(const TempDir& dir) {
    const std::string d = dir.path().string();
    ca = d + "/ca.pem";
    other_ca = d + "/other_ca.pem";
    cert = d + "/server.pem";
    key = d + "/server.key";
    const std::string openssl = std::string(kOpenssl) + " ";
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    const std::string quiet = " >/dev/null 2>&1";
    ok = std::system((openssl + "req -x509 " + ec + "-keyout " + d + "/ca.key -out " + ca +
                      " -subj /CN=hec-test-ca -days 2" + quiet)
                         .c_str()) == 0 &&
         std::system((openssl + "req -x509 " + ec + "-keyout " + d + "/other.key -out " + other_ca +
                      " -subj /CN=other-ca -days 2" + quiet)
                         .c_str()) == 0 &&
         std::system((openssl + "req " + ec + "-keyout " + key + " -out " + d +
                      "/server.csr -subj /CN=127.0.0.1" + quiet)
                         .c_str()) == 0 &&
         std::system(("printf 'subjectAltName=IP:127.0.0.1\\n' > " + d + "/san.ext && " + openssl +
                      "x509 -req -in " + d + "/server.csr -CA " + ca + " -CAkey " + d +
                      "/ca.key -CAcreateserial -out " + cert + " -days 2 -extfile " + d +
                      "/san.ext" + quiet)
                         .c_str()) == 0;
  }
  bool ok = false;
  std::string ca, other_ca, cert, key;
};

class HecTlsTest : public HecSinkTest {
 protected:
  void SetUp() override {
    HecSinkTest::SetUp();
    REQUIRE_PROGRAM(kOpenssl);
    pki = std::make_unique<TestPki>(dir);
    ASSERT_TRUE(pki->ok) << "openssl could not make the test certificates";
  }
  std::unique_ptr<TestPki> pki;
};

TEST_F(HecTlsTest, DeliversOverTlsVerifiedAgainstCaFile) {
  HecReceiver receiver({"--cert", pki->cert, "--key", pki->key});
  auto sink = MakeHecSink("{url: '" + receiver.url("https") + "', token_file: " + TokenFile() +
                          ", ca_file: " + pki->ca + "}");
  const DeliveryResult result = sink->Deliver(Findings(2));
  EXPECT_EQ(result.outcome, Delivery::kDelivered) << result.error;
  EXPECT_EQ(AcceptedIds(receiver), (std::vector<std::string>{"f0", "f1"}));
}

TEST_F(HecTlsTest, AWrongCaFailsWithASentenceAndNothingIsSent) {
  HecReceiver receiver({"--cert", pki->cert, "--key", pki->key});
  auto sink = MakeHecSink("{url: '" + receiver.url("https") + "', token_file: " + TokenFile() +
                          ", ca_file: " + pki->other_ca + ", timeout_ms: 2000}");
  const DeliveryResult result = sink->Deliver(Findings(1));
  EXPECT_EQ(result.outcome, Delivery::kRetry);
  EXPECT_NE(
      result.error.find("cannot verify the certificate of Splunk HEC at 127.0.0.1:" +
                        std::to_string(receiver.port()) + " against ca_file " + pki->other_ca),
      std::string::npos)
      << result.error;
  EXPECT_NE(result.error.find("set ca_file to the CA that signed Splunk's certificate"),
            std::string::npos)
      << result.error;
  EXPECT_TRUE(AcceptedIds(receiver).empty());
}

TEST_F(HecTlsTest, ACertificateForAnotherNameIsRefused) {
  HecReceiver receiver({"--cert", pki->cert, "--key", pki->key});
  auto sink = MakeHecSink("{url: 'https://localhost:" + std::to_string(receiver.port()) +
                          "', token_file: " + TokenFile() + ", ca_file: " + pki->ca +
                          ", timeout_ms: 2000}");
  const DeliveryResult result = sink->Deliver(Findings(1));
  EXPECT_EQ(result.outcome, Delivery::kRetry);
  EXPECT_NE(result.error.find("does not name localhost"), std::string::npos) << result.error;
}

TEST_F(HecTlsTest, InsecureSkipVerifyAcceptsAnyCertificate) {
  HecReceiver receiver({"--cert", pki->cert, "--key", pki->key});
  auto sink = MakeHecSink("{url: '" + receiver.url("https") + "', token_file: " + TokenFile() +
                          ", insecure_skip_verify: true}");
  EXPECT_EQ(sink->Deliver(Findings(1)).outcome, Delivery::kDelivered);
}

}  // namespace
}  // namespace apisensor::exporters::splunk
