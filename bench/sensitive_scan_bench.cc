// Throughput of the sensitive-data scanner on what the inventory feeds it: 1 KiB JSON response
// bodies, with a few sensitive values and with none, a 4 KiB sample (the body cap), and the
// short header and query values of one exchange, one by one and joined. bytes_per_second is the
// MB/s figure; for the 1 KiB bodies the time per iteration is the ns per KiB (also reported as
// ns_per_KiB). The target: the whole inventory update handles 200,000 exchanges/s/core with 1 KiB
// bodies, so scanning must stay well under 1.5 µs per KiB.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "agent/sensitive/scanner.h"

namespace apisensor::sensitive {
namespace {

// A user-profile response: ids, timestamps, amounts, URLs, a UUID, plus an e-mail, a phone, an
// IP address and a masked card (last four digits only, so not a PAN).
std::string SensitiveBody() {
  std::string body =
      R"({"data":{"id":"3f2b9c1e-8d4a-4f6b-9a7e-2c5d8e1f0a3b","type":"user","attributes":{)"
      R"("name":"Ann Lee","email":"ann.lee@corp.example.com","phone":"+1 415 555 2671",)"
      R"("created_at":"2024-11-23T10:20:30.123Z","updated_at":"2025-01-02T08:00:00Z",)"
      R"("last_login_ip":"203.0.113.9","locale":"en-US","timezone":"America/Los_Angeles",)"
      R"("plan":{"id":"pro_monthly","price":1999,"currency":"USD","interval":"month"},)"
      R"("payment_method":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2029},)"
      R"("avatar_url":"https://cdn.example.com/u/1234567/avatar@2x.png?v=1732339301",)"
      R"("preferences":{"newsletter":true,"theme":"dark","items_per_page":50}},)"
      R"("relationships":{"organization":{"data":{"id":"org_8472","type":"organization"}}}},)"
      R"("meta":{"request_id":"req_9f8e7d6c5b4a3928","took_ms":12,"version":"2.14.1"},)"
      R"("links":{"self":"https://api.example.com/v1/users/1234567",)"
      R"("orders":"https://api.example.com/v1/users/1234567/orders?page=1&limit=20"}})";
  return body;
}

// The same shape with nothing sensitive in it.
std::string CleanBody() {
  std::string body =
      R"({"data":{"id":"3f2b9c1e-8d4a-4f6b-9a7e-2c5d8e1f0a3b","type":"order","attributes":{)"
      R"("status":"shipped","carrier":"UPS","tracking":"1Z999AA10123456784","items":3,)"
      R"("created_at":"2024-11-23T10:20:30.123Z","updated_at":"2025-01-02T08:00:00Z",)"
      R"("subtotal":5997,"tax":480,"total":6477,"currency":"USD","weight_kg":1.25,)"
      R"("lines":[{"sku":"AB-1234","qty":1,"price":1999},{"sku":"CD-5678","qty":2,)"
      R"("price":1999}],"warehouse":"us-west-2b","priority":"standard","gift":false,)"
      R"("image_url":"https://cdn.example.com/p/98765/thumb@2x.png?v=1732339301",)"
      R"("notes":"Leave at the front door; ring twice.","rating":4.5,"reviews":128}},)"
      R"("meta":{"request_id":"req_9f8e7d6c5b4a3928","took_ms":12,"version":"2.14.1"},)"
      R"("links":{"self":"https://api.example.com/v1/orders/1234567",)"
      R"("next":"https://api.example.com/v1/orders?page=2&limit=20&sort=-created_at"}})";
  return body;
}

// An object listing with hex digests, ObjectIds and upper-case codes: the worst realistic case for
// the run pattern, which reports every offset inside such tokens.
std::string DigestHeavyBody() {
  return R"({"objects":[{"_id":"65f1c2a9e4b0d3f8a1c7e920","sha256":)"
         R"("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","etag":)"
         R"(""33a64df551425fcc55e4d42a148795d9f25f89d4"","sku":"WH-1000XM5-BLK-2024",)"
         R"("size":1048576},{"_id":"65f1c2a9e4b0d3f8a1c7e921","sha256":)"
         R"("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","etag":)"
         R"(""9b2cf535f27731c974343645a3985328"","sku":"QC45-WHT","size":52428800}],)"
         R"("next_cursor":"eyJpZCI6IjY1ZjFjMmE5ZTRiMGQzZjhhMWM3ZTkyMSJ9","count":2})";
}

// Pads with a trailing JSON-ish filler to exactly `size` bytes, so figures are per KiB.
std::string Sized(std::string body, size_t size) {
  while (body.size() < size) body += R"( {"k":"v","n":12345})";
  body.resize(size);
  return body;
}

void RunScan(benchmark::State& state, const std::string& body) {
  const Scanner scanner;
  Scanner::Scratch scratch = scanner.NewScratch();
  KindSet found;
  for (auto _ : state) {
    found = scanner.Scan(body, scratch);
    benchmark::DoNotOptimize(found);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["ns_per_KiB"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(body.size()) / 1024.0,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::kIs1000);
  state.counters["kinds_found"] = static_cast<double>(found.size());
  state.counters["candidates_per_scan"] =
      static_cast<double>(scratch.stats().candidates) / static_cast<double>(state.iterations());
}

void BM_Scan1KiBSensitive(benchmark::State& state) { RunScan(state, Sized(SensitiveBody(), 1024)); }
void BM_Scan1KiBClean(benchmark::State& state) { RunScan(state, Sized(CleanBody(), 1024)); }
void BM_Scan4KiBClean(benchmark::State& state) { RunScan(state, Sized(CleanBody(), 4096)); }
void BM_Scan1KiBDigests(benchmark::State& state) { RunScan(state, Sized(DigestHeavyBody(), 1024)); }
BENCHMARK(BM_Scan1KiBSensitive);
BENCHMARK(BM_Scan1KiBClean);
BENCHMARK(BM_Scan1KiBDigests);
BENCHMARK(BM_Scan4KiBClean);

// The header and query values of one exchange, each scanned on its own as the inventory will.
void BM_ScanExchangeFields(benchmark::State& state) {
  const Scanner scanner;
  Scanner::Scratch scratch = scanner.NewScratch();
  const std::vector<Field> fields = {
      {"host", "api.example.com"},
      {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.109 Safari/537.36"},
      {"accept", "application/json"},
      {"x-forwarded-for", "198.51.100.2, 10.1.2.3"},
      {"x-request-id", "3f2b9c1e-8d4a-4f6b-9a7e-2c5d8e1f0a3b"},
      {"content-type", "application/json; charset=utf-8"},
      {"page", "2"},
      {"limit", "50"},
      {"email", "ann@corp.example.com"},
      {"sort", "-created_at"},
  };
  for (auto _ : state) {
    KindSet found;
    if (state.range(0) == 0) {
      for (const Field& field : fields)
        found |= scanner.ScanField(field.name, field.value, scratch);
    } else {
      found = scanner.ScanFields(fields, scratch);
    }
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));  // exchanges
}
// 0: one ScanField call per field; 1: ScanFields, one Hyperscan call for all of them.
BENCHMARK(BM_ScanExchangeFields)->Arg(0)->Arg(1);

}  // namespace
}  // namespace apisensor::sensitive

BENCHMARK_MAIN();
