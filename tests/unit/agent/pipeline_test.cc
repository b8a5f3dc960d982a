// The agent's path from ring records to reported exchanges, fed with records laid out exactly as
// the kernel writes them.
#include "agent/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "tests/unit/agent/record_builder.h"

namespace apisensor::pipeline {
namespace {

using testing::Bare;
using testing::Data;
using testing::SocketSide;

constexpr uint8_t kOut = APISENSOR_DIR_EGRESS;
constexpr uint8_t kIn = APISENSOR_DIR_INGRESS;
constexpr std::string_view kRequest = "GET /users/7?x=1 HTTP/1.1\r\nHost: api\r\n\r\n";
constexpr std::string_view kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

struct Reported {
  Role role;
  std::string method, path;
  int status;  // -1 without response
  uint64_t request_body, response_body, latency_ns;
  http::ExchangeEnd end;
  bool operator==(const Reported&) const = default;
};

class CollectingOutput final : public RecordOutput {
 public:
  void Write(const ExchangeRecord& r) override {
    const auto& req = r.http.request;
    reported.push_back({r.role, req.method, req.target.substr(0, req.target.find('?')),
                        r.http.response ? r.http.response->status : -1, req.body_size,
                        r.http.response ? r.http.response->body_size : 0, r.latency_ns,
                        r.http.end});
    records.push_back(r);
  }
  void Flush() override { ++flushes; }
  std::vector<Reported> reported;
  std::vector<ExchangeRecord> records;
  int flushes = 0;
};

class RecordingCopyControl final : public capture::CopyControl {
 public:
  void StopCopying(uint32_t tgid, int32_t fd, uint64_t sock) override {
    stopped.emplace_back(tgid, fd, sock);
  }
  std::vector<std::tuple<uint32_t, int32_t, uint64_t>> stopped;
};

class PipelineTest : public ::testing::Test {
 protected:
  explicit PipelineTest(Filters filters = {})
      : pipeline_(Options(std::move(filters)), redactor_, output_, 0) {
    pipeline_.SetCopyControl(&copy_control_);
  }
  static PipelineOptions Options(Filters filters) {
    PipelineOptions options;
    options.filters = std::move(filters);
    return options;
  }
  void Feed(const std::vector<uint8_t>& record) { pipeline_.OnRecord(record); }

  const SocketSide server_;
  secrets::Fingerprinter fingerprinter_ = secrets::Fingerprinter::Ephemeral();
  secrets::CredentialRedactor redactor_{fingerprinter_};
  CollectingOutput output_;
  RecordingCopyControl copy_control_;
  Pipeline pipeline_;
};

TEST_F(PipelineTest, ServerExchangeIsReportedWithSizesAndLatency) {
  Feed(Data(server_, kIn, 1000, kRequest, 10'000));
  Feed(Data(server_, kOut, 5000, kResponse, 35'000));
  ASSERT_EQ(output_.reported.size(), 1u);
  EXPECT_EQ(output_.reported[0], (Reported{Role::kServer, "GET", "/users/7", 200, 0, 5, 25'000,
                                           http::ExchangeEnd::kComplete}));
  const ExchangeRecord& r = output_.records[0];
  EXPECT_EQ(r.process.pid, 100u);
  EXPECT_EQ(r.process.comm, "server");
  EXPECT_EQ(r.process.cgroup_id, 7u);
  EXPECT_EQ(r.local.port, 8080);
  EXPECT_EQ(r.remote.port, 40000);
  EXPECT_EQ(pipeline_.stats().exchanges_reported, 1u);
}

TEST_F(PipelineTest, ClientCopyIsSuppressedAndItsKernelCopyingStoppedOnce) {
  const SocketSide client = server_.Peer(200, 9, 0xffff000000002000, "curl");
  for (int i = 0; i < 2; ++i) {
    const uint32_t off = static_cast<uint32_t>(i * kRequest.size());
    const uint32_t roff = static_cast<uint32_t>(i * kResponse.size());
    const uint64_t t = 1'000'000 * (i + 1);
    Feed(Data(client, kOut, 1000 + off, kRequest, t));
    Feed(Data(server_, kIn, 1000 + off, kRequest, t + 1));
    Feed(Data(server_, kOut, 5000 + roff, kResponse, t + 2));
    Feed(Data(client, kIn, 5000 + roff, kResponse, t + 3));
  }
  ASSERT_EQ(output_.reported.size(), 2u);
  EXPECT_EQ(output_.reported[0].role, Role::kServer);
  EXPECT_EQ(output_.reported[1].role, Role::kServer);
  EXPECT_EQ(pipeline_.stats().duplicates_suppressed, 2u);
  EXPECT_EQ(pipeline_.stats().copies_stopped, 1u);
  ASSERT_EQ(copy_control_.stopped.size(), 1u);
  EXPECT_EQ(copy_control_.stopped[0], std::make_tuple(200u, 9, 0xffff000000002000ull));
}

TEST_F(PipelineTest, ClientWithoutTracedServerIsReported) {
  SocketSide client = server_.Peer(200, 9, 0xffff000000002000, "curl");
  Feed(Data(client, kOut, 1, kRequest, 100));
  Feed(Data(client, kIn, 1, kResponse, 300));
  ASSERT_EQ(output_.reported.size(), 1u);
  EXPECT_EQ(output_.reported[0].role, Role::kClient);
  EXPECT_TRUE(copy_control_.stopped.empty());
}

TEST_F(PipelineTest, ResponseChunksArrivingOutOfOrderAreReassembled) {
  // A direction is anchored by its first chunk; later ones are ordered by TCP position.
  const std::string_view head = kResponse.substr(0, 10);
  const std::string_view middle = kResponse.substr(10, 15);
  const std::string_view tail = kResponse.substr(25);
  Feed(Data(server_, kIn, 1000, kRequest, 100));
  Feed(Data(server_, kOut, 5000, head, 200));
  Feed(Data(server_, kOut, 5025, tail, 400));
  Feed(Data(server_, kOut, 5010, middle, 300));
  ASSERT_EQ(output_.reported.size(), 1u);
  EXPECT_EQ(output_.reported[0].status, 200);
  EXPECT_EQ(output_.reported[0].response_body, 5u);
  EXPECT_EQ(pipeline_.table().StreamStats().reordered_chunks, 1u);
}

TEST_F(PipelineTest, MalformedRecordsAreCountedAndIgnored) {
  const std::vector<uint8_t> too_short(sizeof(apisensor_event_header) - 1, 0);
  Feed(too_short);
  std::vector<uint8_t> lying = Data(server_, kIn, 1, kRequest, 1);
  lying.resize(lying.size() - 10);  // captured says more than the record holds
  Feed(lying);
  std::vector<uint8_t> unknown_kind = Bare(server_, 99, 1);
  Feed(unknown_kind);
  std::vector<uint8_t> header_only = Bare(server_, APISENSOR_EV_DATA, 1);  // no data fields
  Feed(header_only);
  EXPECT_EQ(pipeline_.stats().malformed_records, 4u);
  EXPECT_EQ(pipeline_.stats().records, 4u);
  EXPECT_EQ(pipeline_.table().size(), 0u);
  EXPECT_TRUE(output_.reported.empty());
}

TEST_F(PipelineTest, Http2ConnectionsAreParsedAsHttp2) {
  SocketSide h2 = server_;
  h2.protocol = APISENSOR_PROTO_HTTP2;
  // Preface, empty SETTINGS, then HEADERS (END_STREAM|END_HEADERS) on stream 1 with static-table
  // fields only: :method GET, :scheme http, :path /.
  const std::string request = std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") +
                              std::string("\0\0\0\x04\0\0\0\0\0", 9) +
                              std::string("\0\0\x03\x01\x05\0\0\0\x01\x82\x86\x84", 12);
  // SETTINGS, then HEADERS (END_STREAM|END_HEADERS) :status 204.
  const std::string response =
      std::string("\0\0\0\x04\0\0\0\0\0", 9) + std::string("\0\0\x01\x01\x05\0\0\0\x01\x89", 10);
  Feed(Data(h2, kIn, 1, request, 100));
  Feed(Data(h2, kOut, 1, response, 200));
  ASSERT_EQ(output_.records.size(), 1u);
  const ExchangeRecord& r = output_.records[0];
  EXPECT_EQ(r.protocol, std::string("http/2"));
  EXPECT_EQ(output_.reported[0],
            (Reported{Role::kServer, "GET", "/", 204, 0, 0, 100, http::ExchangeEnd::kComplete}));
  EXPECT_EQ(r.http.stream_id, 1u);
  EXPECT_FALSE(r.http.partial);
  EXPECT_EQ(pipeline_.stats().other_protocol_events, 0u);
}

TEST_F(PipelineTest, H2cUpgradeIsFollowedIntoHttp2) {
  const std::string upgrade_request =
      "GET /ok.json HTTP/1.1\r\nHost: h2c.example\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";
  // The 101, then in the same write the server's SETTINGS and the answer on stream 1
  // (HEADERS :status 200 with END_STREAM|END_HEADERS, static-table index 8).
  const std::string switching =
      std::string(
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n") +
      std::string("\0\0\0\x04\0\0\0\0\0", 9) + std::string("\0\0\x01\x01\x05\0\0\0\x01\x88", 10);
  const std::string preface =
      std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\x04\0\0\0\0\0", 9);
  Feed(Data(server_, kIn, 1, upgrade_request, 100));
  Feed(Data(server_, kOut, 1, switching, 200));
  Feed(Data(server_, kIn, 1 + static_cast<uint32_t>(upgrade_request.size()), preface, 300));
  ASSERT_EQ(output_.records.size(), 1u);  // the 101 itself is not an answer
  const ExchangeRecord& r = output_.records[0];
  EXPECT_EQ(r.protocol, std::string("http/2"));
  EXPECT_EQ(r.http.stream_id, 1u);
  EXPECT_EQ(r.http.request.method, "GET");
  EXPECT_EQ(r.http.request.target, "/ok.json");
  ASSERT_TRUE(r.http.response.has_value());
  EXPECT_EQ(r.http.response->status, 200);
}

TEST_F(PipelineTest, OtherProtocolsAreCountedNotParsed) {
  SocketSide other = server_;
  other.protocol = APISENSOR_PROTO_OTHER;
  Feed(Data(other, kIn, 1, "\x01\x02", 1));
  EXPECT_EQ(pipeline_.stats().other_protocol_events, 1u);
  EXPECT_EQ(pipeline_.table().size(), 0u);
}

TEST_F(PipelineTest, CloseReportsTheUnansweredRequest) {
  Feed(Data(server_, kIn, 1, kRequest, 100));
  Feed(Bare(server_, APISENSOR_EV_CLOSE, 200));
  ASSERT_EQ(output_.reported.size(), 1u);
  EXPECT_EQ(output_.reported[0].end, http::ExchangeEnd::kNoResponse);
  EXPECT_EQ(output_.reported[0].status, -1);
  EXPECT_EQ(pipeline_.table().size(), 0u);
  EXPECT_EQ(pipeline_.stats().close_events, 1u);
}

TEST_F(PipelineTest, ProcessExitEndsAllItsConnections) {
  SocketSide second = server_;
  second.fd = 6;
  second.sock = 0xffff000000003000;
  second.remote_port = 40001;
  Feed(Data(server_, kIn, 1, kRequest, 100));
  Feed(Data(second, kIn, 1, kRequest, 100));
  ASSERT_EQ(pipeline_.table().size(), 2u);
  Feed(Bare(server_, APISENSOR_EV_PROC_EXIT, 300));
  EXPECT_EQ(pipeline_.table().size(), 0u);
  EXPECT_EQ(output_.reported.size(), 2u);
  EXPECT_EQ(pipeline_.table().stats().process_exits, 2u);
}

TEST_F(PipelineTest, CredentialsAreFingerprintedBeforeOutput) {
  Feed(Data(
      server_, kIn, 1,
      "GET / HTTP/1.1\r\nAuthorization: Bearer t0ps3cr3t-t0k3n\r\nCookie: sid=abcdef99\r\n\r\n",
      1));
  Feed(Data(server_, kOut, 1, kResponse, 2));
  ASSERT_EQ(output_.records.size(), 1u);
  for (const http::Header& h : output_.records[0].http.request.headers) {
    EXPECT_EQ(h.value.find("t0ps3cr3t"), std::string::npos) << h.name;
    EXPECT_EQ(h.value.find("abcdef99"), std::string::npos) << h.name;
  }
  EXPECT_EQ(output_.records[0].http.request.Find("authorization")->value.rfind("Bearer fp:", 0),
            0u);
}

TEST_F(PipelineTest, ShutdownReportsWhatIsPendingAndFlushes) {
  Feed(Data(server_, kIn, 1, kRequest, 100));
  pipeline_.Shutdown(1'000);
  ASSERT_EQ(output_.reported.size(), 1u);
  EXPECT_EQ(output_.reported[0].end, http::ExchangeEnd::kNoResponse);
  EXPECT_GE(output_.flushes, 1);
}

class FilteredPipelineTest : public PipelineTest {
 protected:
  FilteredPipelineTest() : PipelineTest(Filters{.pids = {}, .ports = {9999}, .comms = {}}) {}
};

TEST_F(FilteredPipelineTest, ConnectionsOutsideTheFiltersAreCountedAndDropped) {
  Feed(Data(server_, kIn, 1, kRequest, 100));
  Feed(Data(server_, kOut, 1, kResponse, 200));
  EXPECT_EQ(pipeline_.stats().filtered_events, 2u);
  EXPECT_EQ(pipeline_.table().size(), 0u);
  EXPECT_TRUE(output_.reported.empty());
}

}  // namespace
}  // namespace apisensor::pipeline
