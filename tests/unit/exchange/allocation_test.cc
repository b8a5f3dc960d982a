// The hot path (redaction and JSON of every exchange) must not touch the heap once warmed up:
// counted by replacing the global operator new in this test binary.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>

#include "agent/secrets/credential_redactor.h"
#include "exporters/json/exchange_json.h"
#include "tests/unit/support/count_allocations.h"

namespace apisensor {
namespace {

using test::CountAllocations;

ExchangeRecord Record() {
  ExchangeRecord r;
  r.ts_unix_ns = 1'795'428'000'123'456'789ULL;
  r.process = {1, "a-long-process-name", 2};
  r.local.family = AF_INET6;
  inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678", r.local.addr.data());
  r.remote = r.local;
  r.http.request.method = "POST";
  r.http.request.target = "/v1/items?alpha=1&beta=2&gamma=3";
  r.http.request.headers = {
      {"host", "api.example.com"},
      {"content-type", "Application/JSON; charset=utf-8"},
      {"x-forwarded-for", "10.0.0.1"},
      {"x-forwarded-for", "10.0.0.2"},
      {"x-bad", "\xff\xfe not utf-8 and long enough to leave the inline buffer"}};
  http::Response resp;
  resp.status = 201;
  resp.headers = {{"content-type", "application/json"}};
  r.http.response = resp;
  return r;
}

TEST(AllocationTest, CounterSeesAllocations) {
  CountAllocations counter;
  std::string s(100, 'x');
  EXPECT_EQ(counter.count(), 1u);
}

TEST(AllocationTest, JsonWriterSteadyStateDoesNotAllocate) {
  exporters::ExchangeJsonWriter writer;
  const ExchangeRecord record = Record();
  std::string out;
  writer.Append(record, out);  // warm-up sizes the buffers
  out.clear();
  out.reserve(64 * 1024);
  CountAllocations counter;
  for (int i = 0; i < 10; ++i) writer.Append(record, out);
  EXPECT_EQ(counter.count(), 0u);
}

TEST(AllocationTest, FingerprintAndRedactionSteadyStateDoNotAllocate) {
  secrets::Fingerprinter fp(secrets::Fingerprinter::Key{});
  secrets::CredentialRedactor redactor(fp);
  std::string out;
  out.reserve(64);
  http::Message m;
  m.headers = {{"authorization", std::string(100, 'x')}, {"cookie", std::string(100, 'y')}};
  redactor.Redact(m);  // warm-up
  size_t count = 0;
  for (int i = 0; i < 10; ++i) {
    // Fresh long values, as every exchange brings; their own allocation is not counted.
    m.headers[0].value = "Bearer " + std::string(100, 'a' + i);
    m.headers[1].value = "sid=" + std::string(100, 'a' + i) + "; theme=dark";
    CountAllocations counter;
    redactor.Redact(m);
    out.clear();
    fp.AppendTo("token", out);
    count += counter.count();
  }
  EXPECT_EQ(count, 0u);
}

}  // namespace
}  // namespace apisensor
