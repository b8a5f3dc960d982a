// The syslog sink against a real rsyslogd: findings and exchange summaries full of characters CEF
// must escape go out over UDP, TCP and TLS, and what rsyslog received is parsed back and compared
// field by field with what was sent. Then the failures a SIEM link sees: a receiver that is down
// (retried with one clear sentence, delivered once it is back), one that restarts between two
// batches, a certificate that must not be trusted, and a message too long for a datagram.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <thread>

#include "exporters/core/sink_runner.h"
#include "exporters/formats/cef/cef_formatter.h"
#include "exporters/formats/ocsf/ocsf_formatter.h"
#include "exporters/syslog/syslog_sink.h"
#include "tests/unit/exporters_ocsf/ocsf_validator.h"
#include "tests/unit/exporters_syslog/cef_parser.h"
#include "tests/unit/exporters_syslog/rsyslog_receiver.h"
#include "tests/unit/support/skip_outside_ci.h"

namespace apisensor::exporters::syslog {
namespace {

using apisensor::testing::CefEvent;
using apisensor::testing::ParseCef;
using apisensor::testing::ReceivedMessage;
using apisensor::testing::RsyslogReceiver;
using namespace std::chrono_literals;

constexpr uint64_t kLastSeenNs = 1'700'000'060'987'654'321;
constexpr const char* kLastSeenText = "2023-11-14T22:14:20.987654Z";
constexpr uint64_t kExchangeNs = 1'700'000'000'500'000'000;

// What a CEF reader gets back for a value cut to `max` bytes (the values here are valid UTF-8).
std::string Cut(const std::string& value, size_t max) {
  if (value.size() <= max) return value;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return value.substr(0, cut);
}

// Header fields cannot hold line breaks: each becomes a space.
std::string NoBreaks(std::string value) {
  for (char& c : value) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return value;
}

std::string Repeat(const std::string& unit, size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += unit;
  return out;
}

findings::Finding NastyFinding(const std::string& id) {
  findings::Finding f;
  f.id = id;
  f.type = "weird|type\\x";
  f.severity = findings::Severity::kCritical;
  f.owasp = "API9:2023";
  f.title = "Pipes | backslashes \\ equals = and\nnewlines, ünïcødé ✓ 🚀";
  f.description = "line1\nline2\r\nkey=value \\ back | pipe cnt=99 msg=fake  ";
  f.service = "orders:8080 \\|=";
  f.endpoint = "GET /users/{id}/x=y|z";
  f.caller = "10.1.2.3";
  f.first_seen_ns = 1'700'000'000'123'456'789;
  f.last_seen_ns = kLastSeenNs;
  f.count = 7;
  f.evidence = {{"token", "sha256:ab12"}, {"note", "a=b\\c|d"}};
  return f;
}

findings::Finding LongFinding(const std::string& id) {
  findings::Finding f = NastyFinding(id);
  f.type = "shadow_endpoint";
  f.severity = findings::Severity::kInfo;
  f.title = Repeat("title é ", 700);
  f.description = Repeat("ü=\\🚀 ", 5000);
  f.evidence = {{"long", Repeat("x=ÿ|", 6000)}};
  f.caller = "curl";  // egress: a process, not an address
  return f;
}

findings::Finding Ipv6Finding(const std::string& id) {
  findings::Finding f = NastyFinding(id);
  f.type = "zombie_endpoint";
  f.severity = findings::Severity::kMedium;
  f.caller = "2001:db8::7";
  f.endpoint = "/no-method";
  return f;
}

ExchangeSummary NastyExchange() {
  ExchangeSummary s;
  s.time_ns = kExchangeNs;
  s.latency_ns = 3'000'000;
  s.service = "orders:8080";
  s.method = "PATCH";
  s.path = "/a=b|c\\{id}";
  s.endpoint_state = "zombie";
  s.host = "orders.example:8443";
  s.protocol = "h2";
  s.tls = true;
  s.client_ip = "10.0.0.9";
  s.client_port = 40000;
  s.server_ip = "10.0.0.1";
  s.server_port = 8443;
  s.caller = "10.0.0.9";
  s.process = "envoy";
  s.pid = 77;
  s.user_agent = "Mozilla/5.0 (X11; Linux) \\ = | ✓\nnext";
  s.auth = "api_key";
  s.has_response = true;
  s.status = 404;
  s.request_body_bytes = 1234;
  s.response_body_bytes = 56789;
  return s;
}

std::string EvidenceText(const findings::Finding& f) {
  std::string out;
  for (const auto& [k, v] : f.evidence) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

void ExpectSyslogHeader(const ReceivedMessage& m, const std::string& hostname, int severity,
                        const std::string& msgid, const std::string& timestamp) {
  EXPECT_EQ(m.pri, std::to_string(kDefaultFacility * 8 + severity));
  EXPECT_EQ(m.hostname, hostname);
  EXPECT_EQ(m.app_name, "apisensor");
  EXPECT_EQ(m.procid, std::to_string(getpid()));
  EXPECT_EQ(m.msgid, msgid);
  EXPECT_EQ(m.timestamp, timestamp);
}

void ExpectFinding(const CefEvent& e, const findings::Finding& f) {
  EXPECT_EQ(e.version, "0");
  EXPECT_EQ(e.vendor, "apisensor");
  EXPECT_EQ(e.product, "apisensor");
  EXPECT_EQ(e.device_version, "9.9.9");
  EXPECT_EQ(e.signature, f.type);
  EXPECT_EQ(e.name, Cut(NoBreaks(f.title), 512));
  EXPECT_EQ(e.severity, std::to_string(CefSeverity(f.severity)));
  EXPECT_EQ(e.Get("rt"), std::to_string(f.last_seen_ns / 1'000'000));
  EXPECT_EQ(e.Get("start"), std::to_string(f.first_seen_ns / 1'000'000));
  EXPECT_EQ(e.Get("end"), std::to_string(f.last_seen_ns / 1'000'000));
  EXPECT_EQ(e.Get("cnt"), std::to_string(f.count));
  const bool address = f.caller.find_first_of(".:") != std::string::npos;
  EXPECT_EQ(e.Get(address ? "src" : "sproc"), f.caller);
  EXPECT_FALSE(e.extension.contains(address ? "sproc" : "src"));
  const size_t space = f.endpoint.find(' ');
  EXPECT_EQ(e.Get("requestMethod"), space == std::string::npos ? "" : f.endpoint.substr(0, space));
  EXPECT_EQ(e.Get("request"), f.endpoint.substr(space == std::string::npos ? 0 : space + 1));
  EXPECT_EQ(e.Get("cat"), f.owasp);
  EXPECT_EQ(e.Get("externalId"), f.id);
  EXPECT_EQ(e.Get("dvchost"), "sensor-node");
  EXPECT_EQ(e.Get("cs1"), f.service);
  EXPECT_EQ(e.Get("cs2"), f.type);
  EXPECT_EQ(e.Get("cs3"), f.owasp);
  EXPECT_EQ(e.Get("cs4"), f.endpoint);
  EXPECT_EQ(e.Get("cs5"), f.caller);
  EXPECT_EQ(e.Get("cs6"), Cut(EvidenceText(f), 4000));
  EXPECT_EQ(e.Get("cs6Label"), "evidence");
  EXPECT_EQ(e.Get("msg"), Cut(f.description, 1023));
}

void ExpectExchange(const CefEvent& e, const ExchangeSummary& s) {
  EXPECT_EQ(e.signature, "http_exchange");
  EXPECT_EQ(e.name, s.method + " " + s.path);
  EXPECT_EQ(e.severity, "1");
  const std::map<std::string, std::string> expected = {
      {"rt", std::to_string(s.time_ns / 1'000'000)},
      {"src", s.client_ip},
      {"spt", std::to_string(s.client_port)},
      {"dst", s.server_ip},
      {"dpt", std::to_string(s.server_port)},
      {"proto", "TCP"},
      {"app", s.protocol},
      {"requestMethod", s.method},
      {"request", s.path},
      {"dhost", s.host},
      {"outcome", "failure"},
      {"cn1", std::to_string(s.status)},
      {"cn1Label", "httpStatus"},
      {"cn2", "3"},
      {"cn2Label", "latencyMs"},
      {"cn3", std::to_string(s.pid)},
      {"cn3Label", "pid"},
      {"in", std::to_string(s.request_body_bytes)},
      {"out", std::to_string(s.response_body_bytes)},
      {"dvchost", "sensor-node"},
      {"cs1", s.service},
      {"cs1Label", "service"},
      {"cs2", s.endpoint_state},
      {"cs2Label", "endpointState"},
      {"cs3", s.caller},
      {"cs3Label", "caller"},
      {"cs4", s.auth},
      {"cs4Label", "auth"},
      {"cs5", s.process},
      {"cs5Label", "process"},
      {"cs6", "true"},
      {"cs6Label", "tls"},
      {"requestClientApplication", s.user_agent},
  };
  EXPECT_EQ(e.extension, expected);
}

CefEvent Parse(const std::string& line) {
  std::string error;
  std::optional<CefEvent> event = ParseCef(line, &error);
  EXPECT_TRUE(event.has_value()) << error << "\n" << line;
  return event.value_or(CefEvent{});
}

FormatOptions TestFormat() {
  FormatOptions options;
  options.product_version = "9.9.9";
  options.hostname = "sensor-node";
  return options;
}

ExportItemPtr Item(ExportItem item) { return std::make_shared<const ExportItem>(std::move(item)); }

std::shared_ptr<const TlsContext> Tls(const std::string& ca_file,
                                      const std::string& server_name = "",
                                      bool insecure_skip_verify = false,
                                      const std::string& cert_file = "",
                                      const std::string& key_file = "") {
  TlsOptions options;
  options.ca_file = ca_file;
  options.server_name = server_name;
  options.insecure_skip_verify = insecure_skip_verify;
  options.cert_file = cert_file;
  options.key_file = key_file;
  std::string key, error;
  std::shared_ptr<const TlsContext> tls = TlsContext::Make(options, key, error);
  EXPECT_NE(tls, nullptr) << key << " " << error;
  return tls;
}

std::unique_ptr<SyslogSink> MakeSink(TransportKind transport, int port, const std::string& hostname,
                                     std::shared_ptr<const TlsContext> tls = nullptr,
                                     size_t max_message_bytes = 65000,
                                     std::unique_ptr<Formatter> formatter = nullptr) {
  SyslogSinkOptions o;
  o.address = *ParseHostPort("127.0.0.1:" + std::to_string(port));
  o.transport = transport;
  o.header.hostname = hostname;
  o.header.app_name = "apisensor";
  o.max_message_bytes = max_message_bytes;
  o.timeout_ms = 2000;
  o.tls = std::move(tls);
  return std::make_unique<SyslogSink>(
      std::move(o), formatter != nullptr ? std::move(formatter) : MakeCefFormatter(TestFormat()));
}

auto FromHost(const std::string& hostname) {
  return [hostname](const ReceivedMessage& m) { return m.hostname == hostname; };
}

// One rsyslogd for the whole suite; the restart tests run their own.
class SyslogToRsyslog : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!apisensor::testing::RsyslogAvailable(unavailable_)) return;
    try {
      receiver_ = std::make_unique<RsyslogReceiver>();
      receiver_->Start();
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { receiver_.reset(); }

  void SetUp() override {
    if (!unavailable_.empty()) {
      APISENSOR_SKIP_OUTSIDE_CI(unavailable_);
    }
    ASSERT_TRUE(start_error_.empty()) << start_error_;
  }

  RsyslogReceiver& receiver() { return *receiver_; }
  int PortFor(TransportKind transport) {
    switch (transport) {
      case TransportKind::kUdp:
        return receiver_->udp_port();
      case TransportKind::kTcp:
        return receiver_->tcp_port();
      case TransportKind::kTls:
        return receiver_->tls_port();
    }
    return 0;
  }

  static inline std::unique_ptr<RsyslogReceiver> receiver_;
  static inline std::string unavailable_;
  static inline std::string start_error_;
};

const char* Name(TransportKind t) {
  return t == TransportKind::kUdp ? "udp" : t == TransportKind::kTcp ? "tcp" : "tls";
}

class EveryTransport : public SyslogToRsyslog,
                       public ::testing::WithParamInterface<TransportKind> {};

TEST_P(EveryTransport, FindingsAndExchangesArriveFieldForField) {
  const TransportKind transport = GetParam();
  const std::string host = std::string("fields-") + Name(transport);
  auto sink = MakeSink(transport, PortFor(transport), host,
                       transport == TransportKind::kTls ? Tls(receiver().ca_file()) : nullptr);
  const findings::Finding nasty = NastyFinding("nasty-" + host);
  const findings::Finding long_one = LongFinding("long-" + host);
  const findings::Finding v6 = Ipv6Finding("v6-" + host);
  const ExchangeSummary exchange = NastyExchange();
  const std::vector<ExportItemPtr> batch = {Item(nasty), Item(long_one), Item(v6), Item(exchange)};
  const DeliveryResult result = sink->Deliver(batch);
  ASSERT_EQ(result.outcome, Delivery::kDelivered) << result.error;
  EXPECT_EQ(result.truncated, 0u);
  EXPECT_EQ(result.skipped, 0u);

  const std::vector<ReceivedMessage> got = receiver().WaitFor(FromHost(host), 4, 5s);
  ASSERT_EQ(got.size(), 4u);
  std::map<std::string, const ReceivedMessage*> by_id;
  for (const ReceivedMessage& m : got) {
    EXPECT_EQ(m.input, Name(transport));
    by_id[Parse(m.msg).Get("externalId")] = &m;
  }
  for (const findings::Finding* f : {&nasty, &long_one, &v6}) {
    SCOPED_TRACE(f->id);
    ASSERT_TRUE(by_id.contains(f->id));
    const ReceivedMessage& m = *by_id[f->id];
    ExpectSyslogHeader(m, host, SyslogSeverity(*f), f->type, kLastSeenText);
    ExpectFinding(Parse(m.msg), *f);
  }
  ASSERT_TRUE(by_id.contains(""));  // the exchange has no id
  const ReceivedMessage& m = *by_id[""];
  ExpectSyslogHeader(m, host, 6, "exchange", "2023-11-14T22:13:20.500000Z");
  ExpectExchange(Parse(m.msg), exchange);
}

// Streams only: a burst of 300 datagrams overflows a receiver's socket buffer, as UDP may.
class StreamTransport : public SyslogToRsyslog,
                        public ::testing::WithParamInterface<TransportKind> {};

TEST_P(StreamTransport, ALargeBatchArrivesWholeAndInOrder) {
  const TransportKind transport = GetParam();
  const std::string host = std::string("batch-") + Name(transport);
  auto sink = MakeSink(transport, PortFor(transport), host,
                       transport == TransportKind::kTls ? Tls(receiver().ca_file()) : nullptr);
  std::vector<ExportItemPtr> batch;
  for (int i = 0; i < 300; ++i) {  // about 200 KiB: several writes of the 64 KiB chunks
    findings::Finding f = NastyFinding(std::to_string(i));
    f.description = Repeat("0123456789", 600);
    batch.push_back(Item(std::move(f)));
  }
  ASSERT_EQ(sink->Deliver(batch).outcome, Delivery::kDelivered);
  const std::vector<ReceivedMessage> got = receiver().WaitFor(FromHost(host), 300, 5s);
  ASSERT_EQ(got.size(), 300u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(Parse(got[i].msg).Get("externalId"), std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Syslog, EveryTransport,
                         ::testing::Values(TransportKind::kUdp, TransportKind::kTcp,
                                           TransportKind::kTls),
                         [](const auto& info) { return std::string(Name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Syslog, StreamTransport,
                         ::testing::Values(TransportKind::kTcp, TransportKind::kTls),
                         [](const auto& info) { return std::string(Name(info.param)); });

TEST_F(SyslogToRsyslog, UdpCutsLongMessagesToTheLimitAndCountsThem) {
  const std::string host = "udp-cut";
  auto sink = MakeSink(TransportKind::kUdp, receiver().udp_port(), host, nullptr, 2048);
  const findings::Finding long_one = LongFinding("cut-long");
  const findings::Finding short_one = Ipv6Finding("cut-short");
  const DeliveryResult result = sink->Deliver(std::vector{Item(long_one), Item(short_one)});
  ASSERT_EQ(result.outcome, Delivery::kDelivered);
  EXPECT_EQ(result.truncated, 1u);
  const std::vector<ReceivedMessage> got = receiver().WaitFor(FromHost(host), 2, 5s);
  ASSERT_EQ(got.size(), 2u);
  std::string full_cef;
  MakeCefFormatter(TestFormat())->Format(long_one, full_cef);
  for (const ReceivedMessage& m : got) {
    if (m.msgid == "shadow_endpoint") {
      EXPECT_LE(m.raw.size(), 2048u);
      EXPECT_GE(m.raw.size(), 2044u);  // cut at most a character (4 bytes) short
      EXPECT_TRUE(full_cef.starts_with(m.msg)) << m.msg;
    } else {
      ExpectFinding(Parse(m.msg), short_one);
    }
  }
}

// format: ocsf over syslog: each message rsyslog stored is one whole OCSF event, valid by the
// schema subset, of the class its item takes.
TEST_F(SyslogToRsyslog, OcsfEventsArriveWholeAndValid) {
  const std::string host = "ocsf-tls";
  auto sink = MakeSink(TransportKind::kTls, receiver().tls_port(), host, Tls(receiver().ca_file()),
                       8192, MakeOcsfFormatter(TestFormat()));
  const std::vector batch = {Item(NastyFinding("ocsf-finding")), Item(NastyExchange())};
  const DeliveryResult result = sink->Deliver(batch);
  ASSERT_EQ(result.outcome, Delivery::kDelivered) << result.error;
  EXPECT_EQ(result.truncated, 0u);
  EXPECT_EQ(result.skipped, 0u);
  const std::vector<ReceivedMessage> got = receiver().WaitFor(FromHost(host), 2, 5s);
  ASSERT_EQ(got.size(), 2u);
  std::set<int> classes;
  for (const ReceivedMessage& m : got) {
    const std::vector<std::string> problems =
        apisensor::testing::OcsfValidator::Default().Validate(m.msg);
    EXPECT_TRUE(problems.empty()) << apisensor::testing::JoinLines(problems) << m.msg;
    rapidjson::Document event;
    event.Parse(m.msg.c_str());
    const int class_uid =
        event.IsObject() && event.HasMember("class_uid") && event["class_uid"].IsInt()
            ? event["class_uid"].GetInt()
            : 0;
    classes.insert(class_uid);
    EXPECT_EQ(m.msgid, class_uid == 2004 ? "weird|type\\x" : "exchange") << m.raw;
  }
  EXPECT_EQ(classes, (std::set<int>{2004, 6003}));
}

TEST_F(SyslogToRsyslog, TlsRefusesAReceiverItCannotVerify) {
  const std::string port = std::to_string(receiver().tls_port());
  auto wrong_ca = MakeSink(TransportKind::kTls, receiver().tls_port(), "tls-bad",
                           Tls(receiver().other_ca_file()));
  const std::vector batch = {Item(NastyFinding("tls-bad"))};
  DeliveryResult result = wrong_ca->Deliver(batch);
  EXPECT_EQ(result.outcome, Delivery::kRetry);
  EXPECT_EQ(result.error, "TLS handshake with 127.0.0.1:" + port +
                              " failed: its certificate was not accepted (unable to get local "
                              "issuer certificate)");

  auto wrong_name = MakeSink(TransportKind::kTls, receiver().tls_port(), "tls-bad",
                             Tls(receiver().ca_file(), "siem.example.com"));
  result = wrong_name->Deliver(batch);
  EXPECT_EQ(result.outcome, Delivery::kRetry);
  EXPECT_EQ(result.error, "TLS handshake with 127.0.0.1:" + port +
                              " failed: its certificate was not accepted (hostname mismatch)");

  // The certificate names localhost and 127.0.0.1: either passes.
  auto by_name = MakeSink(TransportKind::kTls, receiver().tls_port(), "tls-name",
                          Tls(receiver().ca_file(), "localhost"));
  EXPECT_EQ(by_name->Deliver(batch).outcome, Delivery::kDelivered);
  auto insecure = MakeSink(TransportKind::kTls, receiver().tls_port(), "tls-insecure",
                           Tls(receiver().other_ca_file(), "", true));
  EXPECT_EQ(insecure->Deliver(batch).outcome, Delivery::kDelivered);
  EXPECT_EQ(receiver().WaitFor(FromHost("tls-name"), 1, 5s).size(), 1u);
  EXPECT_EQ(receiver().WaitFor(FromHost("tls-insecure"), 1, 5s).size(), 1u);
  EXPECT_EQ(receiver().WaitFor(FromHost("tls-bad"), 1, 100ms).size(), 0u);
}

TEST_F(SyslogToRsyslog, MutualTlsPresentsTheClientCertificate) {
  auto sink = MakeSink(
      TransportKind::kTls, receiver().mtls_port(), "mtls",
      Tls(receiver().ca_file(), "", false, receiver().client_cert(), receiver().client_key()));
  const findings::Finding f = NastyFinding("mtls");
  ASSERT_EQ(sink->Deliver(std::vector{Item(f)}).outcome, Delivery::kDelivered);
  const std::vector<ReceivedMessage> got = receiver().WaitFor(FromHost("mtls"), 1, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].input, "mtls");
  ExpectFinding(Parse(got[0].msg), f);
}

// A receiver that is down, comes back, and restarts between two batches.
class ReceiverRestart : public SyslogToRsyslog,
                        public ::testing::WithParamInterface<TransportKind> {};

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST_P(ReceiverRestart, RetriesWithOneSentenceAndDeliversWhenTheReceiverIsBack) {
  const TransportKind transport = GetParam();
  RsyslogReceiver own;
  own.Start();
  const int port = transport == TransportKind::kTcp ? own.tcp_port() : own.tls_port();
  const std::string host = std::string("restart-") + Name(transport);
  SinkOptions options;
  options.name = "siem";
  options.type = "syslog";
  options.batch_wait_ms = 0;
  options.backoff_initial_ms = 20;
  options.backoff_max_ms = 100;
  std::vector<std::string> log;
  std::mutex log_mu;
  SinkRunner runner(options,
                    MakeSink(transport, port, host,
                             transport == TransportKind::kTls ? Tls(own.ca_file()) : nullptr),
                    [&](const std::string& line) {
                      std::lock_guard lock(log_mu);
                      log.push_back(line);
                    });
  const auto offer = [&](const std::string& id) {
    const std::vector batch = {Item(NastyFinding(id))};
    runner.Offer(batch);
  };
  const auto received = [&](const std::string& id) {
    return own.WaitFor(
                  [&](const ReceivedMessage& m) {
                    return m.hostname == host && Parse(m.msg).Get("externalId") == id;
                  },
                  1, 5s)
               .size() == 1;
  };

  offer("first");
  ASSERT_TRUE(WaitUntil([&] { return runner.stats().delivered == 1; }, 5s));
  ASSERT_TRUE(received("first"));

  own.Stop();
  offer("while-down");
  ASSERT_TRUE(WaitUntil([&] { return runner.stats().retries >= 2; }, 5s));
  EXPECT_TRUE(runner.stats().failing);
  EXPECT_EQ(runner.stats().delivered, 1u);
  EXPECT_EQ(runner.last_error(),
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");

  own.Start();
  ASSERT_TRUE(WaitUntil([&] { return runner.stats().delivered == 2; }, 5s));
  EXPECT_TRUE(received("while-down"));
  EXPECT_FALSE(runner.stats().failing);

  // Restarted while the sink was idle: the old connection is dead, and sending into it would
  // lose the batch. The sink notices the close and connects again without a failed attempt.
  const uint64_t retries = runner.stats().retries;
  own.Stop();
  own.Start();
  offer("after-restart");
  ASSERT_TRUE(WaitUntil([&] { return runner.stats().delivered == 3; }, 5s));
  EXPECT_TRUE(received("after-restart"));
  EXPECT_EQ(runner.stats().retries, retries);

  std::lock_guard lock(log_mu);
  ASSERT_EQ(log.size(), 2u);  // one line when it starts failing, one when it recovers
  EXPECT_EQ(log[0], "apisensor: sink siem: cannot connect to 127.0.0.1:" + std::to_string(port) +
                        ": Connection refused (retrying with backoff)");
  EXPECT_EQ(log[1], "apisensor: sink siem: delivering again");
}

INSTANTIATE_TEST_SUITE_P(Syslog, ReceiverRestart,
                         ::testing::Values(TransportKind::kTcp, TransportKind::kTls),
                         [](const auto& info) { return std::string(Name(info.param)); });

}  // namespace
}  // namespace apisensor::exporters::syslog
