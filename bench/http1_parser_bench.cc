// HTTP/1 exchanges per second on one core, from event streams shaped like real traffic: curl
// writes a request in one syscall; nginx writes the response headers and body as two iovecs that
// the capture sees as two chunks. items_processed counts exchanges.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parsers/http1/http1_session.h"

namespace apisensor::http1 {
namespace {

class CountingSink : public ExchangeSink {
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

const std::string kCurlGet =
    "GET /api/v1/users/42?fields=name,email HTTP/1.1\r\nHost: api.internal:8080\r\n"
    "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

std::string JsonBody() {
  return R"({"id":42,"name":"Ada Lovelace","email":"ada@example.com","roles":["admin","dev"],)"
         R"("created_at":"2024-03-01T12:00:00Z","active":true,"quota":{"used":1234,"max":10000}})";
}

std::string NginxHeaders(size_t body_len) {
  return "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 23 Nov 2026 03:00:00 GMT\r\n"
         "Content-Type: application/json\r\nContent-Length: " +
         std::to_string(body_len) + "\r\nConnection: keep-alive\r\n\r\n";
}

void BM_KeepAliveSmallJson(benchmark::State& state) {
  const std::string body = JsonBody();
  const std::string headers = NginxHeaders(body.size());
  CountingSink sink;
  Session session(Limits{}, sink);
  uint64_t ts = 0;
  for (auto _ : state) {
    session.OnData(Direction::kRequest, Bytes(kCurlGet), ++ts);
    session.OnData(Direction::kResponse, Bytes(headers), ++ts);
    session.OnData(Direction::kResponse, Bytes(body), ++ts);
  }
  if (sink.count != static_cast<int64_t>(state.iterations())) state.SkipWithError("lost pairs");
  state.SetItemsProcessed(sink.count);
}
BENCHMARK(BM_KeepAliveSmallJson);

void BM_ConnectionPerExchange(benchmark::State& state) {
  const std::string body = JsonBody();
  const std::string headers = NginxHeaders(body.size());
  CountingSink sink;
  uint64_t ts = 0;
  for (auto _ : state) {
    Session session(Limits{}, sink);
    session.OnData(Direction::kRequest, Bytes(kCurlGet), ++ts);
    session.OnData(Direction::kResponse, Bytes(headers), ++ts);
    session.OnData(Direction::kResponse, Bytes(body), ++ts);
    session.OnClose(++ts);
  }
  state.SetItemsProcessed(sink.count);
}
BENCHMARK(BM_ConnectionPerExchange);

// A pipelining client writes `depth` requests at once; the server answers them in one write.
void BM_Pipelined(benchmark::State& state) {
  const auto depth = static_cast<size_t>(state.range(0));
  const std::string body = JsonBody();
  std::string requests;
  std::string responses;
  for (size_t i = 0; i < depth; ++i) {
    requests += kCurlGet;
    responses += NginxHeaders(body.size()) + body;
  }
  CountingSink sink;
  Session session(Limits{}, sink);
  uint64_t ts = 0;
  for (auto _ : state) {
    session.OnData(Direction::kRequest, Bytes(requests), ++ts);
    session.OnData(Direction::kResponse, Bytes(responses), ++ts);
  }
  state.SetItemsProcessed(sink.count);
}
BENCHMARK(BM_Pipelined)->Arg(8)->Arg(32);

// A 64 KiB chunked download (8 KiB chunks) read by the capture in 16 KiB pieces: the body sample
// stops at its cap while the rest is only counted.
void BM_ChunkedLargeBody(benchmark::State& state) {
  std::string response =
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
      "Content-Type: application/octet-stream\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(8192, 'x');
  for (int i = 0; i < 8; ++i) response += "2000\r\n" + chunk + "\r\n";
  response += "0\r\n\r\n";
  constexpr size_t kRead = 16384;
  CountingSink sink;
  Session session(Limits{}, sink);
  uint64_t ts = 0;
  for (auto _ : state) {
    session.OnData(Direction::kRequest, Bytes(kCurlGet), ++ts);
    for (size_t off = 0; off < response.size(); off += kRead) {
      session.OnData(Direction::kResponse,
                     Bytes(response).subspan(off).first(std::min(kRead, response.size() - off)),
                     ++ts);
    }
  }
  state.SetItemsProcessed(sink.count);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * response.size()));
}
BENCHMARK(BM_ChunkedLargeBody);

}  // namespace
}  // namespace apisensor::http1

BENCHMARK_MAIN();
