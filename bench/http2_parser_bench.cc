// HTTP/2 and gRPC exchanges per second on one core. The byte streams are what a client and a
// server would write on one connection (nghttp2's own HPACK encoder, so the dynamic table is
// reused as in real traffic), cut into one chunk per frame group as the capture would see them.
// items_processed counts exchanges.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parsers/http2/http2_session.h"
#include "tests/unit/http2/frame_writer.h"

namespace apisensor::http2 {
namespace {

using test::DataFrame;
using test::Encoder;
using test::HeadersFrame;

class CountingSink : public http::ExchangeSink {
 public:
  void OnExchange(http::Exchange&& e) override {
    benchmark::DoNotOptimize(e.response);
    ++count;
  }
  int64_t count = 0;
};

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Conversation {
  std::string client_start, server_start;
  std::vector<std::string> requests, responses;  // one chunk per exchange and side
};

constexpr int kExchanges = 1000;

Conversation Build(bool grpc) {
  Conversation c;
  Encoder client, server;
  c.client_start = test::Preface() + test::Settings();
  c.server_start = test::Settings();
  const std::string body =
      R"({"id":42,"name":"Ada Lovelace","email":"ada@example.com","roles":["admin","dev"]})";
  const std::string message = std::string("\0\0\0\0\x0c", 5) +
                              "\x08\x2a\x12\x08"
                              "Lovelace";
  for (int i = 0; i < kExchanges; ++i) {
    const uint32_t id = 1 + 2 * static_cast<uint32_t>(i);
    if (grpc) {
      c.requests.push_back(HeadersFrame(client, id,
                                        {{":method", "POST"},
                                         {":scheme", "http"},
                                         {":path", "/shop.Orders/Get"},
                                         {":authority", "orders:50051"},
                                         {"content-type", "application/grpc"},
                                         {"te", "trailers"},
                                         {"grpc-timeout", "5S"}},
                                        false) +
                           DataFrame(id, message, true));
      std::string response = HeadersFrame(
          server, id, {{":status", "200"}, {"content-type", "application/grpc"}}, false);
      response += DataFrame(id, message, false);
      response += HeadersFrame(server, id, {{"grpc-status", "0"}}, true);
      c.responses.push_back(response);
    } else {
      c.requests.push_back(HeadersFrame(client, id,
                                        {{":method", "GET"},
                                         {":scheme", "https"},
                                         {":path", "/api/v1/users/" + std::to_string(i)},
                                         {":authority", "api.internal"},
                                         {"user-agent", "nghttp2/1.52.0"},
                                         {"accept", "*/*"}},
                                        true));
      std::string response = HeadersFrame(server, id,
                                          {{":status", "200"},
                                           {"server", "nginx/1.22.1"},
                                           {"date", "Mon, 23 Nov 2026 03:00:00 GMT"},
                                           {"content-type", "application/json"},
                                           {"content-length", std::to_string(body.size())}},
                                          false);
      response += DataFrame(id, body, true);
      c.responses.push_back(response);
    }
  }
  return c;
}

void Run(benchmark::State& state, const Conversation& c) {
  int64_t exchanges = 0;
  for (auto _ : state) {
    CountingSink sink;
    Session session(Limits{}, sink);
    uint64_t ts = 0;
    session.OnData(Direction::kClient, Bytes(c.client_start), ++ts);
    session.OnData(Direction::kServer, Bytes(c.server_start), ++ts);
    for (int i = 0; i < kExchanges; ++i) {
      session.OnData(Direction::kClient, Bytes(c.requests[static_cast<size_t>(i)]), ++ts);
      session.OnData(Direction::kServer, Bytes(c.responses[static_cast<size_t>(i)]), ++ts);
    }
    if (sink.count != kExchanges) state.SkipWithError("lost exchanges");
    exchanges += sink.count;
  }
  state.SetItemsProcessed(exchanges);
}

void BM_Http2GetJson(benchmark::State& state) {
  static const Conversation c = Build(false);
  Run(state, c);
}
BENCHMARK(BM_Http2GetJson);

void BM_GrpcUnary(benchmark::State& state) {
  static const Conversation c = Build(true);
  Run(state, c);
}
BENCHMARK(BM_GrpcUnary);

}  // namespace
}  // namespace apisensor::http2

BENCHMARK_MAIN();
