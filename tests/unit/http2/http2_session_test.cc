// HTTP/2 connection parsing: exchanges paired by stream, header blocks decoded with HPACK state
// kept per direction, every frame split at every byte, CONTINUATION and padding, trailers, resets,
// connections joined mid-way (partial, never wrong) and lost bytes.
#include "parsers/http2/http2_session.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/http2/frame_writer.h"

namespace apisensor::http2 {
namespace {

using test::DataFrame;
using test::Encoder;
using test::Frame;
using test::HeadersFrame;
using test::Preface;
using test::Settings;

std::string Describe(const http::Exchange& e) {
  std::ostringstream out;
  out << "#" << e.stream_id << " " << (e.request.method.empty() ? "?" : e.request.method) << " "
      << (e.request.target.empty() ? "?" : e.request.target) << " body=" << e.request.body_size;
  if (e.response) {
    out << " => " << e.response->status << " body=" << e.response->body_size;
    if (!e.response->body_sample.empty()) out << " '" << e.response->body_sample << "'";
    for (const auto& t : e.response->trailers) out << " [" << t.name << ": " << t.value << "]";
    if (!e.response->body_complete) out << " cut";
  } else {
    out << " => none";
  }
  if (e.partial) out << " partial";
  return out.str();
}

class Recorder : public http::ExchangeSink {
 public:
  void OnExchange(http::Exchange&& e) override {
    lines.push_back(Describe(e));
    exchanges.push_back(std::move(e));
  }
  std::vector<std::string> lines;
  std::vector<http::Exchange> exchanges;
};

struct Chunk {
  Direction dir;
  std::string bytes;
};

// Feeds the chunks in order, cutting chunk `split` at byte `at` into two calls.
std::vector<std::string> Feed(const std::vector<Chunk>& chunks, size_t split = SIZE_MAX,
                              size_t at = 0, Stats* stats = nullptr) {
  Recorder recorder;
  Session session(Limits{}, recorder);
  uint64_t ts = 1;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const auto* p = reinterpret_cast<const uint8_t*>(chunks[i].bytes.data());
    const size_t n = chunks[i].bytes.size();
    if (i == split && at > 0 && at < n) {
      session.OnData(chunks[i].dir, {p, at}, ts++);
      session.OnData(chunks[i].dir, {p + at, n - at}, ts++);
    } else {
      session.OnData(chunks[i].dir, {p, n}, ts++);
    }
  }
  session.OnClose(ts);
  if (stats != nullptr) *stats = session.stats();
  return recorder.lines;
}

// Every split point of every chunk must give the same exchanges as the whole chunks.
void ExpectSameAtEverySplit(const std::vector<Chunk>& chunks,
                            const std::vector<std::string>& expected) {
  ASSERT_EQ(Feed(chunks), expected);
  for (size_t c = 0; c < chunks.size(); ++c) {
    for (size_t at = 1; at < chunks[c].bytes.size(); ++at) {
      ASSERT_EQ(Feed(chunks, c, at), expected) << "chunk " << c << " split at " << at;
    }
  }
}

test::Headers Get(const std::string& path) {
  return {{":method", "GET"}, {":scheme", "https"},     {":authority", "api.example"},
          {":path", path},    {"user-agent", "test/1"}, {"x-request-id", "abc"}};
}
test::Headers Status(const std::string& code) {
  return {{":status", code}, {"content-type", "application/json"}, {"server", "test"}};
}

TEST(Http2SessionTest, OneRequestAndResponseAtEverySplit) {
  Encoder client, server;
  const std::vector<Chunk> chunks = {
      {Direction::kClient, Preface() + Settings() + HeadersFrame(client, 1, Get("/users/1"), true)},
      {Direction::kServer, Settings() + Frame(test::kSettings, 1, 0, "") +
                               HeadersFrame(server, 1, Status("200"), false) +
                               DataFrame(1, "{\"id\":1}", true)},
  };
  ExpectSameAtEverySplit(chunks, {"#1 GET /users/1 body=0 => 200 body=8 '{\"id\":1}'"});
}

TEST(Http2SessionTest, InterleavedStreamsPairByIdAndKeepHpackState) {
  Encoder client, server;
  // The same headers again: the second and third blocks refer to dynamic-table entries. (Built
  // statement by statement: each block must be encoded in the order it is sent.)
  std::string requests = Preface() + Settings();
  requests += HeadersFrame(client, 1, Get("/a"), true);
  requests += HeadersFrame(client, 3, Get("/b"), true);
  requests += HeadersFrame(client, 5, Get("/c"), true);
  std::string responses = Settings();
  responses += HeadersFrame(server, 3, Status("404"), false);
  responses += HeadersFrame(server, 1, Status("200"), false);
  responses += DataFrame(1, "one", false) + DataFrame(3, "three", true);
  responses += HeadersFrame(server, 5, Status("500"), true);
  responses += DataFrame(1, "!", true);
  const std::vector<Chunk> chunks = {{Direction::kClient, requests},
                                     {Direction::kServer, responses}};
  ExpectSameAtEverySplit(chunks, {
                                     "#3 GET /b body=0 => 404 body=5 'three'",
                                     "#5 GET /c body=0 => 500 body=0",
                                     "#1 GET /a body=0 => 200 body=4 'one!'",
                                 });
}

TEST(Http2SessionTest, ContinuationPaddingPriorityAndPaddedData) {
  Encoder client, server;
  const std::string block = client.Block(Get("/upload"));
  const size_t half = block.size() / 2;
  // HEADERS with PADDED and PRIORITY: [pad len][5 bytes priority][fragment][padding].
  const std::string first =
      std::string(1, '\x03') + std::string(5, '\0') + block.substr(0, half) + std::string(3, '\0');
  const std::string padded_data = std::string(1, '\x04') + "body" + std::string(4, '\0');
  const std::vector<Chunk> chunks = {
      {Direction::kClient,
       Preface() + Settings() + Frame(test::kHeaders, test::kPadded | test::kPriority, 1, first) +
           Frame(test::kContinuation, test::kEndHeaders, 1, block.substr(half)) +
           Frame(test::kData, test::kPadded | test::kEndStream, 1, padded_data)},
      {Direction::kServer, Settings() + HeadersFrame(server, 1, Status("201"), true)},
  };
  ExpectSameAtEverySplit(chunks, {"#1 GET /upload body=4 => 201 body=0"});
}

TEST(Http2SessionTest, TrailersAreKeptApart) {
  Encoder client, server;
  std::string request = Preface() + Settings();
  request += HeadersFrame(client, 1,
                          {{":method", "POST"},
                           {":scheme", "http"},
                           {":path", "/pkg.Service/Method"},
                           {"content-type", "application/grpc"}},
                          false);
  request += DataFrame(1, std::string("\0\0\0\0\x02\x08\x01", 7), true);
  std::string response = Settings();
  response +=
      HeadersFrame(server, 1, {{":status", "200"}, {"content-type", "application/grpc"}}, false);
  response += DataFrame(1, std::string("\0\0\0\0\0", 5), false);
  response += HeadersFrame(server, 1, {{"grpc-status", "0"}, {"grpc-message", "ok"}}, true);
  const std::vector<Chunk> chunks = {{Direction::kClient, request}, {Direction::kServer, response}};
  const std::vector<std::string> lines = Feed(chunks);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].substr(0, lines[0].find(" '")),
            "#1 POST /pkg.Service/Method body=7 => 200 body=5");
  EXPECT_NE(lines[0].find("[grpc-status: 0] [grpc-message: ok]"), std::string::npos) << lines[0];
}

std::string GrpcMessage(const std::string& payload, bool compressed = false) {
  std::string m(1, compressed ? '\x01' : '\x00');
  const uint32_t n = static_cast<uint32_t>(payload.size());
  m += static_cast<char>(n >> 24);
  m += static_cast<char>(n >> 16);
  m += static_cast<char>(n >> 8);
  m += static_cast<char>(n);
  return m + payload;
}

test::Headers GrpcCall(const std::string& method) {
  return {{":method", "POST"},
          {":scheme", "http"},
          {":path", method},
          {":authority", "svc:50051"},
          {"content-type", "application/grpc+proto"},
          {"te", "trailers"}};
}

TEST(Http2SessionTest, GrpcMessagesAcrossFramesAndStatusFromTrailers) {
  Encoder client, server;
  // Client streaming: three messages, the second cut across two DATA frames, the third
  // compressed and sharing a frame with the second's end.
  const std::string m1 = GrpcMessage("\x08\x01"), m2 = GrpcMessage(std::string(40, 'a')),
                    m3 = GrpcMessage("zz", true);
  std::string request = Preface() + Settings();
  request += HeadersFrame(client, 1, GrpcCall("/shop.Orders/Upload"), false);
  request += DataFrame(1, m1 + m2.substr(0, 20), false);
  request += DataFrame(1, m2.substr(20) + m3, true);
  std::string response = Settings();
  response +=
      HeadersFrame(server, 1, {{":status", "200"}, {"content-type", "application/grpc"}}, false);
  response += DataFrame(1, GrpcMessage("\x10\x03"), false);
  response += HeadersFrame(server, 1, {{"grpc-status", "0"}}, true);
  const std::vector<Chunk> chunks = {{Direction::kClient, request}, {Direction::kServer, response}};
  for (size_t c = 0; c < chunks.size(); ++c) {
    for (size_t at = 0; at < chunks[c].bytes.size(); at += 7) {
      Recorder recorder;
      Session session(Limits{}, recorder);
      for (size_t i = 0; i < chunks.size(); ++i) {
        const auto* p = reinterpret_cast<const uint8_t*>(chunks[i].bytes.data());
        const size_t n = chunks[i].bytes.size();
        const size_t cut = i == c && at > 0 ? at : n;
        session.OnData(chunks[i].dir, {p, cut}, 1);
        if (cut < n) session.OnData(chunks[i].dir, {p + cut, n - cut}, 2);
      }
      ASSERT_EQ(recorder.exchanges.size(), 1u);
      const http::Exchange& e = recorder.exchanges[0];
      ASSERT_TRUE(e.grpc.has_value());
      EXPECT_EQ(e.grpc->request.count, 3u);
      EXPECT_EQ(e.grpc->request.bytes, 2u + 40u + 2u);
      EXPECT_TRUE(e.grpc->request.compressed);
      EXPECT_EQ(e.grpc->request.first, "\x08\x01");
      EXPECT_EQ(e.grpc->response.count, 1u);
      EXPECT_FALSE(e.grpc->response.compressed);
      EXPECT_EQ(e.grpc->status, 0);
      EXPECT_EQ(e.request.target, "/shop.Orders/Upload");
    }
  }
}

TEST(Http2SessionTest, GrpcTrailersOnlyErrorAndNonGrpcStreams) {
  Encoder client, server;
  std::string request = Preface() + Settings();
  request += HeadersFrame(client, 1, GrpcCall("/shop.Orders/Get"), false);
  request += DataFrame(1, GrpcMessage("\x08\x07"), true);
  request += HeadersFrame(client, 3, Get("/plain"), true);
  std::string response = Settings();
  response += HeadersFrame(server, 1,
                           {{":status", "200"},
                            {"content-type", "application/grpc"},
                            {"grpc-status", "5"},
                            {"grpc-message", "order not found"}},
                           true);
  response += HeadersFrame(server, 3, Status("200"), false);
  response += DataFrame(3, GrpcMessage("not grpc at all"), true);
  Recorder recorder;
  Session session(Limits{}, recorder);
  session.OnData(Direction::kClient,
                 {reinterpret_cast<const uint8_t*>(request.data()), request.size()}, 1);
  session.OnData(Direction::kServer,
                 {reinterpret_cast<const uint8_t*>(response.data()), response.size()}, 2);
  ASSERT_EQ(recorder.exchanges.size(), 2u);
  const http::Exchange& call = recorder.exchanges[0];
  ASSERT_TRUE(call.grpc.has_value());
  EXPECT_EQ(call.grpc->status, 5);
  EXPECT_EQ(call.grpc->message, "order not found");
  EXPECT_EQ(call.grpc->response.count, 0u);
  EXPECT_FALSE(recorder.exchanges[1].grpc.has_value());
}

TEST(Http2SessionTest, InformationalHeadersAreSkipped) {
  Encoder client, server;
  const std::vector<Chunk> chunks = {
      {Direction::kClient, Preface() + Settings() + HeadersFrame(client, 1, Get("/x"), true)},
      {Direction::kServer, Settings() + HeadersFrame(server, 1, {{":status", "103"}}, false)},
      {Direction::kServer, HeadersFrame(server, 1, Status("200"), true)},
  };
  EXPECT_EQ(Feed(chunks), std::vector<std::string>{"#1 GET /x body=0 => 200 body=0"});
}

TEST(Http2SessionTest, ResetAndCloseReportOpenStreams) {
  Encoder client, server;
  std::string requests = Preface() + Settings();
  requests += HeadersFrame(client, 1, Get("/slow"), true);
  requests += HeadersFrame(client, 3, Get("/never"), true);
  requests += Frame(test::kRstStream, 0, 1, std::string("\0\0\0\x08", 4));
  const std::vector<Chunk> chunks = {
      {Direction::kClient, requests},
      {Direction::kServer,
       Settings() + HeadersFrame(server, 3, Status("200"), false) + DataFrame(3, "part", false)},
  };
  Stats stats;
  EXPECT_EQ(Feed(chunks, SIZE_MAX, 0, &stats),
            (std::vector<std::string>{"#1 GET /slow body=0 => none",
                                      "#3 GET /never body=0 => 200 body=4 'part' cut"}));
  EXPECT_EQ(stats.reset_streams, 1u);
}

TEST(Http2SessionTest, PushPromiseOpensTheServersStream) {
  Encoder client, server;
  std::string response = Settings();
  response += Frame(test::kPushPromise, test::kEndHeaders, 1,
                    std::string("\0\0\0\x02", 4) + server.Block(Get("/style.css")));
  response += HeadersFrame(server, 1, Status("200"), true);
  response += HeadersFrame(server, 2, Status("200"), false);
  response += DataFrame(2, "css", true);
  const std::vector<Chunk> chunks = {
      {Direction::kClient, Preface() + Settings() + HeadersFrame(client, 1, Get("/"), true)},
      {Direction::kServer, response},
  };
  EXPECT_EQ(Feed(chunks),
            (std::vector<std::string>{"#1 GET / body=0 => 200 body=0",
                                      "#2 GET /style.css body=0 => 200 body=3 'css'"}));
}

TEST(Http2SessionTest, JoinedMidwayIsPartialAndNeverWrong) {
  Encoder client, server;
  // Bytes sent before the sensor looked: they put entries in both dynamic tables.
  const std::string seen_before_client =
      Preface() + Settings() + HeadersFrame(client, 1, Get("/first"), true);
  const std::string seen_before_server = Settings() + HeadersFrame(server, 1, Status("200"), true);
  (void)seen_before_client;
  (void)seen_before_server;
  // Stream 3 reuses those entries (user-agent, x-request-id, content-type...): undecodable.
  // Stream 5 is sent with literals only: decodable, exact, still partial.
  const std::vector<Chunk> chunks = {
      {Direction::kClient, HeadersFrame(client, 3, Get("/second"), true)},
      {Direction::kServer, HeadersFrame(server, 3, Status("200"), true)},
      {Direction::kClient,
       test::Frame(test::kHeaders, test::kEndHeaders | test::kEndStream, 5,
                   Encoder().Block({{":method", "DELETE"}, {":path", "/items/9"}}, true))},
  };
  Stats stats;
  const std::vector<std::string> lines = Feed(chunks, SIZE_MAX, 0, &stats);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "#3 ? ? body=0 => 0 body=0 partial");  // nothing guessed
  EXPECT_EQ(stats.hpack_errors, 2u);                         // one per direction
  // Once a block failed, the client direction's table is unknown for good: stream 5 is not
  // decoded even though it could have been.
  EXPECT_EQ(lines[1], "#5 ? ? body=0 => none partial");
  EXPECT_EQ(stats.undecoded_header_blocks, 1u);
}

TEST(Http2SessionTest, JoinedMidwayDecodesWhatDoesNotDependOnLostState) {
  Encoder server;
  Encoder client_after_join;  // the table entries it creates are all seen
  std::string requests = HeadersFrame(client_after_join, 7, Get("/v1/orders"), true);
  requests += HeadersFrame(client_after_join, 9, Get("/v1/orders"), true);
  std::string responses = HeadersFrame(server, 7, Status("200"), true);
  responses += HeadersFrame(server, 9, Status("204"), true);
  const std::vector<Chunk> chunks = {{Direction::kClient, requests},
                                     {Direction::kServer, responses}};
  EXPECT_EQ(Feed(chunks),
            (std::vector<std::string>{"#7 GET /v1/orders body=0 => 200 body=0 partial",
                                      "#9 GET /v1/orders body=0 => 204 body=0 partial"}));
}

TEST(Http2SessionTest, GapResynchronisesAtTheNextFrameAndResetsTheTable) {
  Encoder client, server;
  Stats stats;
  Recorder recorder;
  Session session(Limits{}, recorder);
  auto feed = [&session](Direction d, const std::string& s, uint64_t ts) {
    session.OnData(d, {reinterpret_cast<const uint8_t*>(s.data()), s.size()}, ts);
  };
  feed(Direction::kClient, Preface() + Settings() + HeadersFrame(client, 1, Get("/a"), true), 1);
  feed(Direction::kServer, Settings() + HeadersFrame(server, 1, Status("200"), false), 2);
  session.OnGap(Direction::kServer, 100, 3);  // the rest of stream 1's response is lost
  feed(Direction::kServer, "garbage that is no frame", 4);
  // The server's encoder kept its table; ours restarts empty, so the never-indexed block decodes.
  feed(Direction::kClient,
       test::Frame(test::kHeaders, test::kEndHeaders | test::kEndStream, 3,
                   Encoder().Block({{":method", "GET"}, {":path", "/b"}}, true)),
       5);
  feed(Direction::kServer,
       test::Frame(test::kHeaders, test::kEndHeaders | test::kEndStream, 3,
                   Encoder().Block({{":status", "202"}}, true)),
       6);
  session.OnClose(7);
  EXPECT_EQ(recorder.lines, (std::vector<std::string>{"#3 GET /b body=0 => 202 body=0 partial",
                                                      "#1 GET /a body=0 => 200 body=0 cut"}));
  EXPECT_EQ(session.stats().resync_skipped_bytes, 24u);
  EXPECT_EQ(session.stats().gap_bytes, 100u);
}

TEST(Http2SessionTest, GarbageNeverCrashesAndIsSkipped) {
  Recorder recorder;
  Session session(Limits{}, recorder);
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 131 + 7) % 256);
  for (size_t i = 0; i + 64 <= noise.size(); i += 64) {
    const auto* p = reinterpret_cast<const uint8_t*>(noise.data() + i);
    session.OnData(i % 128 == 0 ? Direction::kClient : Direction::kServer, {p, 64}, i);
  }
  session.OnClose(1);
  EXPECT_GT(session.stats().resync_skipped_bytes, 0u);
}

TEST(Http2SessionTest, OpenStreamsAreCapped) {
  Encoder client;
  Limits limits;
  limits.max_open_streams = 4;
  Recorder recorder;
  Session session(limits, recorder);
  std::string bytes = Preface() + Settings();
  for (uint32_t id = 1; id <= 19; id += 2) bytes += HeadersFrame(client, id, Get("/x"), true);
  session.OnData(Direction::kClient, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
                 1);
  EXPECT_EQ(session.stats().open_streams_overflow, 6u);
  EXPECT_EQ(recorder.lines.size(), 6u);  // the oldest, reported as they stood
  EXPECT_EQ(recorder.lines[0], "#1 GET /x body=0 => none");
  session.OnClose(2);
  EXPECT_EQ(recorder.lines.size(), 10u);
}

}  // namespace
}  // namespace apisensor::http2
