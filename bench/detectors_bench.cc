// Detector pipeline throughput on one core, every detector on: the inventory places each
// exchange (as in the agent), then all detectors inspect it. Traffic comes from 10,000 callers
// over 1,000 endpoints, so the stateful detectors run at their caller caps. items_processed
// counts exchanges; BM_InventoryOnly is the same without detectors, for the difference.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "agent/detectors/detector_set.h"
#include "agent/findings/finding_log.h"

namespace apisensor::detectors {
namespace {

std::vector<ExchangeRecord> Corpus() {
  std::vector<ExchangeRecord> records;
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    ExchangeRecord r;
    r.ts_unix_ns = 1'800'000'000'000'000'000ULL + static_cast<uint64_t>(i) * 50'000;
    r.latency_ns = 1'000'000;
    r.role = Role::kServer;
    r.process.comm = "api";
    r.local.family = AF_INET;
    r.local.port = 8080;
    inet_pton(AF_INET, "10.0.0.5", r.local.addr.data());
    r.remote.family = AF_INET;
    r.remote.port = 40000;
    const uint32_t caller = 0x0a010000 + rng() % 10000;  // 10,000 callers
    for (int b = 0; b < 4; ++b) r.remote.addr[b] = static_cast<uint8_t>(caller >> (24 - 8 * b));
    const unsigned endpoint = rng() % 1000;  // 1,000 endpoints: resource × action
    r.http.request.method = "GET";
    r.http.request.target = "/api/r" + std::to_string(endpoint / 10) + "/" +
                            std::to_string(rng() % 100000) + "/a" + std::to_string(endpoint % 10);
    r.http.request.headers = {{"host", "api.internal"}, {"user-agent", "bench"}};
    r.auth.kind = i % 10 == 0 ? secrets::AuthKind::kNone : secrets::AuthKind::kBearer;
    http::Response response;
    response.status = i % 50 == 0 ? 401 : 200;
    response.body_size = 512;
    r.http.response = std::move(response);
    records.push_back(std::move(r));
  }
  return records;
}

void Run(benchmark::State& state, bool detect) {
  const std::vector<ExchangeRecord> records = Corpus();
  sensitive::Scanner scanner;
  inventory::Inventory inventory({}, scanner, nullptr, nullptr);
  findings::FindingLog log;
  DetectorSet detectors({}, inventory.local_addresses());
  size_t i = 0;
  for (auto _ : state) {
    const ExchangeRecord& r = records[i];
    if (const inventory::ObservedEndpoint* e = inventory.Observe(r)) {
      if (detect) detectors.Inspect(r, *e, log);
    }
    if (++i == records.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["findings"] = static_cast<double>(log.size());
  state.counters["callers_untracked"] = static_cast<double>(detectors.untracked_callers());
}

void BM_InventoryAndDetectors(benchmark::State& state) { Run(state, true); }
void BM_InventoryOnly(benchmark::State& state) { Run(state, false); }
BENCHMARK(BM_InventoryAndDetectors);
BENCHMARK(BM_InventoryOnly);

}  // namespace
}  // namespace apisensor::detectors

BENCHMARK_MAIN();
