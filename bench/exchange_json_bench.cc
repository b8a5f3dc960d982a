// Exchanges per second through the per-exchange export path on one core: credential redaction of
// both messages, then one JSON line. The exchange is what curl sends to a JSON API behind nginx:
// a bearer token and a session cookie in the request, five headers in the response.
// items_processed counts exchanges.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <sys/socket.h>

#include <string>

#include "agent/exchange/exchange_record.h"
#include "agent/secrets/credential_headers.h"
#include "agent/secrets/credential_redactor.h"
#include "agent/secrets/fingerprint.h"
#include "exporters/json/exchange_json.h"

namespace apisensor {
namespace {

ExchangeRecord CurlToJsonApi() {
  ExchangeRecord r;
  r.ts_unix_ns = 1'795'428'000'123'456'789ULL;
  r.latency_ns = 183'000;
  r.role = Role::kServer;
  r.process = {4242, "nginx", 9876};
  r.local.family = AF_INET;
  r.local.port = 8080;
  inet_pton(AF_INET, "10.1.2.3", r.local.addr.data());
  r.remote.family = AF_INET;
  r.remote.port = 51234;
  inet_pton(AF_INET, "10.1.7.9", r.remote.addr.data());
  http::Request& req = r.http.request;
  req.method = "GET";
  req.target = "/api/v1/users/42?fields=name,email&page=2";
  req.headers = {
      {"host", "api.internal:8080"},
      {"user-agent", "curl/8.5.0"},
      {"accept", "*/*"},
      {"authorization", "Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0"},
      {"cookie", "session=2b7e151628aed2a6abf7158809cf4f3c; theme=dark"},
  };
  http::Response resp;
  resp.status = 200;
  resp.headers = {
      {"server", "nginx/1.22.1"},           {"date", "Mon, 23 Nov 2026 03:00:00 GMT"},
      {"content-type", "application/json"}, {"content-length", "187"},
      {"connection", "keep-alive"},
  };
  resp.body_size = 187;
  r.http.response = resp;
  return r;
}

// Redaction rewrites values in place, so every iteration starts again from the raw headers. The
// copy keeps the destination's capacity; it is a small part of the measured time.
void Restore(const http::Message& from, http::Message& to) {
  for (size_t i = 0; i < from.headers.size(); ++i) to.headers[i].value = from.headers[i].value;
}

void BM_RedactAndWriteJson(benchmark::State& state) {
  secrets::Fingerprinter fingerprinter(secrets::Fingerprinter::Key{});
  secrets::CredentialRedactor redactor(fingerprinter);
  exporters::ExchangeJsonWriter writer;
  const ExchangeRecord raw = CurlToJsonApi();
  ExchangeRecord record = raw;
  std::string out;
  uint64_t ts = raw.ts_unix_ns;
  for (auto _ : state) {
    Restore(raw.http.request, record.http.request);
    ts += 250'000;  // successive exchanges are a fraction of a millisecond apart
    record.ts_unix_ns = ts;
    redactor.Redact(record.http.request);
    redactor.Redact(*record.http.response);
    out.clear();
    writer.Append(record, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RedactAndWriteJson);

// The JSON line alone, from an already redacted record.
void BM_WriteJson(benchmark::State& state) {
  secrets::Fingerprinter fingerprinter(secrets::Fingerprinter::Key{});
  secrets::CredentialRedactor redactor(fingerprinter);
  exporters::ExchangeJsonWriter writer;
  ExchangeRecord record = CurlToJsonApi();
  redactor.Redact(record.http.request);
  std::string out;
  for (auto _ : state) {
    record.ts_unix_ns += 250'000;
    out.clear();
    writer.Append(record, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_WriteJson);

// Redaction alone (both messages), including restoring the raw values.
void BM_Redact(benchmark::State& state) {
  secrets::Fingerprinter fingerprinter(secrets::Fingerprinter::Key{});
  secrets::CredentialRedactor redactor(fingerprinter);
  const ExchangeRecord raw = CurlToJsonApi();
  ExchangeRecord record = raw;
  for (auto _ : state) {
    Restore(raw.http.request, record.http.request);
    redactor.Redact(record.http.request);
    redactor.Redact(*record.http.response);
    benchmark::DoNotOptimize(record.http.request.headers.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Redact);

// Classification of every header name of the exchange, which the redactor does before anything
// else: nearly all names are not credentials.
void BM_ClassifyHeaders(benchmark::State& state) {
  const ExchangeRecord record = CurlToJsonApi();
  for (auto _ : state) {
    for (const http::Message* m : {static_cast<const http::Message*>(&record.http.request),
                                   static_cast<const http::Message*>(&*record.http.response)}) {
      for (const http::Header& h : m->headers) {
        benchmark::DoNotOptimize(secrets::ClassifyHeader(h.name));
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ClassifyHeaders);

}  // namespace
}  // namespace apisensor

BENCHMARK_MAIN();
