// Inventory update throughput on one core: each exchange is attributed to its service, its path
// templated, its ~1.05 KiB JSON bodies (every response, one request in four) schema-inferred and
// scanned for sensitive data, and its endpoint's aggregates updated. items_processed counts
// exchanges; the bytes_per_endpoint counter is the inventory's own memory estimate divided by its
// endpoints.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "agent/inventory/inventory.h"
#include "tests/unit/support/socket_address.h"

namespace apisensor::inventory {
namespace {

using apisensor::testing::V4;

// About 1.05 KiB of a typical API object, with one e-mail address in it.
std::string UserJson(int id) {
  std::string s = R"({"id":)" + std::to_string(id) + R"(,"name":"Ada Lovelace","email":"ada)" +
                  std::to_string(id) +
                  R"(@example.com","active":true,"created_at":"2026-11-23T10:00:00Z",)"
                  R"("roles":["admin","billing"],"address":{"street":"12 Analytical Row",)"
                  R"("city":"London","postcode":"NW1 6XE","country":"GB"},"preferences":{)"
                  R"("theme":"dark","language":"en-GB","notifications":{"email":true,"sms":)"
                  R"(false,"push":true}},"orders":[)";
  for (int i = 0; i < 8; ++i) {
    if (i) s += ",";
    s += R"({"order_id":")" + std::to_string(100000 + id * 10 + i) + R"(","total":)" +
         std::to_string(10 + i) + R"(.95,"currency":"EUR","items":)" + std::to_string(i + 1) +
         R"(,"status":"shipped"})";
  }
  s += R"(],"notes":"Prefers morning deliveries; leave parcels with the concierge."})";
  return s;
}

std::vector<ExchangeRecord> Corpus() {
  std::vector<ExchangeRecord> records;
  std::mt19937 rng(1);
  const char* resources[] = {"users", "orders", "products", "carts", "invoices", "sessions"};
  for (int i = 0; i < 4096; ++i) {
    ExchangeRecord r;
    r.ts_unix_ns = 1'800'000'000'000'000'000ULL + static_cast<uint64_t>(i) * 1'000'000;
    r.latency_ns = 1'000'000 + rng() % 5'000'000;
    r.role = Role::kServer;
    r.process.comm = i % 3 == 0 ? "java" : i % 3 == 1 ? "node" : "python3";
    r.local = V4("10.0.0.5", static_cast<uint16_t>(8080 + i % 3));
    r.remote = V4("10.1.2.3", static_cast<uint16_t>(40000 + i % 1000));
    const char* resource = resources[rng() % std::size(resources)];
    const int id = static_cast<int>(rng() % 100000);
    const bool post = i % 4 == 0;
    r.http.request.method = post ? "POST" : "GET";
    r.http.request.target = std::string("/api/v") + std::to_string(1 + i % 2) + "/" + resource +
                            (post ? "" : "/" + std::to_string(id)) + "?include=details&page=2";
    r.http.request.headers = {{"host", "shop.internal"},
                              {"user-agent", "bench/1.0"},
                              {"authorization", "Bearer fp:0123456789abcdef"},
                              {"content-type", "application/json"}};
    r.auth.kind = secrets::AuthKind::kBearer;
    if (post) {
      r.http.request.body_sample = UserJson(id);
      r.http.request.body_size = r.http.request.body_sample.size();
    }
    http::Response response;
    response.status = post ? 201 : 200;
    response.headers = {{"content-type", "application/json"}};
    response.body_sample = UserJson(id);
    response.body_size = response.body_sample.size();
    r.http.response = std::move(response);
    records.push_back(std::move(r));
  }
  return records;
}

void BM_InventoryObserve(benchmark::State& state) {
  const std::vector<ExchangeRecord> records = Corpus();
  sensitive::Scanner scanner;
  Inventory inventory({}, scanner, nullptr, nullptr);
  size_t i = 0;
  for (auto _ : state) {
    inventory.Observe(records[i]);
    if (++i == records.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  const auto view = inventory.Publish(1'900'000'000'000'000'000ULL).view;
  state.counters["endpoints"] = static_cast<double>(view->endpoints.size());
  state.counters["bytes_per_endpoint"] =
      static_cast<double>(view->memory_bytes) / static_cast<double>(view->endpoints.size());
  double body_bytes = 0;
  for (const ExchangeRecord& r : records) {
    body_bytes += static_cast<double>(r.http.request.body_size + r.http.response->body_size);
  }
  state.counters["body_bytes_per_exchange"] = body_bytes / static_cast<double>(records.size());
}
BENCHMARK(BM_InventoryObserve);

}  // namespace
}  // namespace apisensor::inventory

BENCHMARK_MAIN();
