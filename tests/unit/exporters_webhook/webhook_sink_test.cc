#include "exporters/webhook/webhook_sink.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "exporters/core/sink_runner.h"
#include "exporters/formats/native_json.h"
#include "exporters/formats/ocsf/ocsf_formatter.h"
#include "exporters/webhook/webhook_signature.h"
#include "tests/unit/exporters_file/temp_dir.h"
#include "tests/unit/exporters_ocsf/ocsf_test_items.h"
#include "tests/unit/exporters_ocsf/ocsf_validator.h"
#include "tests/unit/exporters_webhook/test_receiver.h"
#include "tests/unit/support/child_process.h"

namespace apisensor::exporters {
namespace {

using apisensor::testing::ScriptedAnswer;
using apisensor::testing::TempDir;
using apisensor::testing::WebhookReceiver;

constexpr const char* kKey = "s3cret-key-for-tests";

std::vector<ExportItemPtr> Findings(int n) {
  std::vector<ExportItemPtr> items;
  for (int i = 0; i < n; ++i) {
    findings::Finding f = apisensor::testing::SampleFinding();
    f.id = "f" + std::to_string(i);
    items.push_back(apisensor::testing::Item(f));
  }
  return items;
}

WebhookUrl Url(const std::string& text) {
  std::string error;
  std::optional<WebhookUrl> url = ParseWebhookUrl(text, error);
  EXPECT_TRUE(url.has_value()) << error;
  return url.value_or(WebhookUrl{});
}

class WebhookSinkTest : public ::testing::Test {
 protected:
  WebhookSinkTest()
      : tls_(apisensor::testing::MakeSelfSignedCertificate(dir_.path(), "receiver")),
        other_(apisensor::testing::MakeSelfSignedCertificate(dir_.path(), "other")),
        receiver_(kKey, &tls_) {}

  WebhookOptions Options() const {
    WebhookOptions o;
    o.url = Url("https://127.0.0.1:" + std::to_string(receiver_.port()) + "/hook?src=agent");
    o.secret = kKey;
    o.ca_file = tls_.cert;
    o.timeout_ms = 2000;
    return o;
  }

  std::unique_ptr<WebhookSink> Json(WebhookOptions o) const {
    return std::make_unique<WebhookSink>(std::move(o), std::make_unique<NativeJsonFormatter>());
  }

  std::string Origin() const { return "https://127.0.0.1:" + std::to_string(receiver_.port()); }

  static SinkOptions Fast() {
    SinkOptions o;
    o.name = "webhook";
    o.batch_wait_ms = 0;
    o.backoff_initial_ms = 1;
    o.backoff_max_ms = 4;
    o.drain_timeout_ms = 2000;
    return o;
  }

  TempDir dir_;
  apisensor::testing::TlsFiles tls_;
  apisensor::testing::TlsFiles other_;
  WebhookReceiver receiver_;
};

TEST_F(WebhookSinkTest, PostsASignedJsonArrayOverHttps) {
  WebhookOptions o = Options();
  o.headers = {{"X-Tenant", "blue"}};
  auto sink = Json(o);
  const DeliveryResult r = sink->Deliver(Findings(3));
  ASSERT_EQ(r.outcome, Delivery::kDelivered) << r.error;

  const auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& req = requests[0];
  EXPECT_TRUE(req.signature_ok) << req.signature;
  EXPECT_EQ(req.target, "/hook?src=agent");
  EXPECT_EQ(req.content_type, "application/json");
  EXPECT_NEAR(std::stoll(req.timestamp), static_cast<long long>(std::time(nullptr)), 5);
  const auto tenant = req.headers.find("X-Tenant");
  ASSERT_NE(tenant, req.headers.end());
  EXPECT_EQ(tenant->second, "blue");
  rapidjson::Document body;
  body.Parse(req.body.c_str());
  ASSERT_TRUE(body.IsArray()) << req.body;
  ASSERT_EQ(body.Size(), 3u);
  for (rapidjson::SizeType i = 0; i < 3; ++i) {
    EXPECT_EQ(std::string(body[i]["id"].GetString()), "f" + std::to_string(i));
  }

  // The connection is kept for the next batch, and that one is signed afresh.
  ASSERT_EQ(sink->Deliver(Findings(1)).outcome, Delivery::kDelivered);
  ASSERT_EQ(receiver_.requests().size(), 2u);
  EXPECT_TRUE(receiver_.requests()[1].signature_ok);
}

TEST_F(WebhookSinkTest, OcsfBatchesHoldValidEvents) {
  FormatOptions format;
  format.hostname = "node-1";
  WebhookSink sink(Options(), MakeOcsfFormatter(format));
  auto items = Findings(2);
  items.push_back(apisensor::testing::Item(apisensor::testing::SampleExchange()));
  ASSERT_EQ(sink.Deliver(items).outcome, Delivery::kDelivered);
  const auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 1u);
  rapidjson::Document body;
  body.Parse(requests[0].body.c_str());
  ASSERT_TRUE(body.IsArray());
  ASSERT_EQ(body.Size(), 3u);
  for (const rapidjson::Value& event : body.GetArray()) {
    const auto problems = apisensor::testing::OcsfValidator::Default().Validate(event);
    EXPECT_TRUE(problems.empty()) << apisensor::testing::JoinLines(problems);
  }
}

TEST_F(WebhookSinkTest, RetriesA503UntilItIsTaken) {
  receiver_.Script({{503, "busy"}, {503, "busy"}});
  {
    SinkRunner runner(Fast(), Json(Options()));
    runner.Offer(Findings(5));
    ASSERT_TRUE(runner.WaitIdle(10000));
    const SinkStats s = runner.stats();
    EXPECT_EQ(s.delivered, 5u);
    EXPECT_EQ(s.retries, 2u);
    EXPECT_EQ(s.rejected, 0u);
    EXPECT_FALSE(s.failing);
  }
  const auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& req : requests) {
    EXPECT_TRUE(req.signature_ok);
    EXPECT_EQ(req.body, requests[0].body);  // the same batch each time
  }
}

TEST_F(WebhookSinkTest, ThrottlingAndServerErrorsAreRetried) {
  receiver_.Script({{429, "slow down"}, {408, ""}, {500, "oops\n\x01"}, {502, ""}});
  auto sink = Json(Options());
  for (const auto& [status, reason] : std::vector<std::pair<int, std::string>>{
           {429, ": slow down"}, {408, ""}, {500, ": oops"}, {502, ""}}) {
    const DeliveryResult r = sink->Deliver(Findings(1));
    EXPECT_EQ(r.outcome, Delivery::kRetry) << status;
    EXPECT_EQ(r.error, Origin() + " answered " + std::to_string(status) + reason);
  }
}

TEST_F(WebhookSinkTest, AClientErrorDropsTheBatchAsRejected) {
  receiver_.Script({{400, "unknown field \"kind\""}});
  {
    std::vector<std::string> logs;
    std::mutex logs_mu;
    SinkRunner runner(Fast(), Json(Options()), [&](const std::string& line) {
      std::lock_guard lock(logs_mu);
      logs.push_back(line);
    });
    runner.Offer(Findings(4));
    ASSERT_TRUE(runner.WaitIdle(10000));
    const SinkStats s = runner.stats();
    EXPECT_EQ(s.rejected, 4u);
    EXPECT_EQ(s.delivered, 0u);
    EXPECT_EQ(s.retries, 0u);
    EXPECT_EQ(runner.last_error(), Origin() + " answered 400: unknown field \"kind\"");
    std::lock_guard lock(logs_mu);
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_NE(logs[0].find("(batch dropped)"), std::string::npos) << logs[0];
  }
  EXPECT_EQ(receiver_.requests().size(), 1u);
}

TEST_F(WebhookSinkTest, TheReceiverRefusesAWrongKey) {
  WebhookOptions o = Options();
  o.secret = "not-the-key";
  const DeliveryResult r = Json(o)->Deliver(Findings(1));
  EXPECT_EQ(r.outcome, Delivery::kRejected);
  EXPECT_EQ(r.error, Origin() + " answered 401: bad signature");
  ASSERT_EQ(receiver_.requests().size(), 1u);
  EXPECT_FALSE(receiver_.requests()[0].signature_ok);
}

TEST_F(WebhookSinkTest, ARedirectIsAConfigurationMistake) {
  receiver_.Script({{308, ""}});
  const DeliveryResult r = Json(Options())->Deliver(Findings(1));
  EXPECT_EQ(r.outcome, Delivery::kRejected);
  EXPECT_EQ(r.error,
            Origin() + " answered 308 (redirects are not followed: set url to the final address)");
}

TEST_F(WebhookSinkTest, AnUntrustedCertificateIsRetriedWithAClearError) {
  WebhookOptions o = Options();
  o.ca_file = other_.cert;  // a CA that did not sign the receiver's certificate
  const DeliveryResult r = Json(o)->Deliver(Findings(1));
  EXPECT_EQ(r.outcome, Delivery::kRetry);
  EXPECT_TRUE(r.error.starts_with("the certificate of " + Origin() + " is not trusted ("))
      << r.error;
  EXPECT_TRUE(r.error.ends_with("): set ca_file to the CA that signed it")) << r.error;
  EXPECT_TRUE(receiver_.requests().empty());

  o.ca_file.clear();  // the system's CAs do not know a self-signed test certificate either
  EXPECT_EQ(Json(o)->Deliver(Findings(1)).outcome, Delivery::kRetry);

  o.insecure_skip_verify = true;
  EXPECT_EQ(Json(o)->Deliver(Findings(1)).outcome, Delivery::kDelivered);
  EXPECT_EQ(receiver_.requests().size(), 1u);
}

TEST(WebhookSink, ACertificateForAnotherHostIsRefused) {
  TempDir dir;
  const auto tls =
      apisensor::testing::MakeSelfSignedCertificate(dir.path(), "elsewhere", "DNS:example.test");
  WebhookReceiver receiver(kKey, &tls);
  WebhookOptions o;
  o.url = Url("https://127.0.0.1:" + std::to_string(receiver.port()) + "/");
  o.secret = kKey;
  o.ca_file = tls.cert;  // trusted, but for example.test only
  const DeliveryResult r =
      WebhookSink(o, std::make_unique<NativeJsonFormatter>()).Deliver(Findings(1));
  EXPECT_EQ(r.outcome, Delivery::kRetry);
  EXPECT_EQ(r.error, "the certificate of https://127.0.0.1:" + std::to_string(receiver.port()) +
                         " does not name host 127.0.0.1");
  EXPECT_TRUE(receiver.requests().empty());
}

TEST_F(WebhookSinkTest, ASlowReceiverTimesOut) {
  receiver_.Script({{200, "", std::chrono::milliseconds(800)}});
  WebhookOptions o = Options();
  o.timeout_ms = 200;
  const auto start = std::chrono::steady_clock::now();
  const DeliveryResult r = Json(o)->Deliver(Findings(1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(700));
  EXPECT_EQ(r.outcome, Delivery::kRetry);
  EXPECT_EQ(r.error, Origin() + " sent no answer within timeout_ms or closed the connection");
}

TEST_F(WebhookSinkTest, AnAnswerThatNeverEndsIsCutOffAtTimeoutMs) {
  receiver_.Script({{200, "", std::chrono::milliseconds(0), /*endless=*/true},
                    {400, std::string(100'000, 'r')}});
  WebhookOptions o = Options();
  o.timeout_ms = 300;
  auto sink = Json(o);
  const auto start = std::chrono::steady_clock::now();
  const DeliveryResult r = sink->Deliver(Findings(1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_EQ(r.outcome, Delivery::kRetry);
  EXPECT_EQ(r.error, Origin() + " did not finish its answer within timeout_ms");

  // A long refusal: its reason reaches the log cut to 200 characters.
  const DeliveryResult refused = sink->Deliver(Findings(1));
  EXPECT_EQ(refused.outcome, Delivery::kRejected);
  EXPECT_EQ(refused.error, Origin() + " answered 400: " + std::string(200, 'r') + "...");
}

TEST(WebhookSink, AnUnreachableReceiverIsRetried) {
  const int port = apisensor::testing::FreePort();
  WebhookOptions o;
  o.url = Url("http://127.0.0.1:" + std::to_string(port) + "/");
  o.secret = kKey;
  o.timeout_ms = 1000;
  WebhookSink sink(o, std::make_unique<NativeJsonFormatter>());
  const DeliveryResult r = sink.Deliver(Findings(1));
  EXPECT_EQ(r.outcome, Delivery::kRetry);
  EXPECT_EQ(r.error, "cannot connect to http://127.0.0.1:" + std::to_string(port) +
                         " (refused, unreachable or unknown host)");
}

TEST(WebhookSink, PlainHttpIsSignedToo) {
  WebhookReceiver receiver(kKey, nullptr);
  WebhookOptions o;
  o.url = Url("http://127.0.0.1:" + std::to_string(receiver.port()));
  o.secret = kKey;
  WebhookSink sink(o, std::make_unique<NativeJsonFormatter>());
  ASSERT_EQ(sink.Deliver(Findings(2)).outcome, Delivery::kDelivered);
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_TRUE(receiver.requests()[0].signature_ok);
  EXPECT_EQ(receiver.requests()[0].target, "/");
}

TEST(WebhookSignature, IsHmacSha256OverTimestampDotBody) {
  // RFC 4231 test case 7, whose data has a "." to split into timestamp and body.
  const std::string key(131, '\xaa');
  EXPECT_EQ(WebhookSignature(key,
                             "This is a test using a larger than block-size key and a larger "
                             "than block-size data",
                             " The key needs to be hashed before being used by the HMAC "
                             "algorithm."),
            "sha256=9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  EXPECT_EQ(apisensor::testing::HmacSha256Hex(key,
                                              "This is a test using a larger than block-size key "
                                              "and a larger than block-size data. The key needs "
                                              "to be hashed before being used by the HMAC "
                                              "algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  EXPECT_EQ(WebhookSignature("k", "1700000000", "[]"),
            "sha256=" + apisensor::testing::HmacSha256Hex("k", "1700000000.[]"));
}

}  // namespace
}  // namespace apisensor::exporters
