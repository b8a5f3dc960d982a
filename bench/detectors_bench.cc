// Detector pipeline throughput on one core, every detector on: the inventory places each
// exchange (as in the agent), then all detectors inspect it. Traffic comes from 10,000 callers
// over 1,000 endpoints, so the stateful detectors run at their caller caps. items_processed
// counts exchanges; BM_InventoryOnly is the same without detectors, for the difference.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <malloc.h>

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

// Every one of 10,000 callers calls every one of 1,000 endpoints once (10 M exchanges over ~8
// minutes of traffic time) and the heap grown by the detectors is printed: their tables stop at
// max_tracked_callers, so the figure is bounded whatever the product of callers and endpoints.
// The inventory sees the whole stream once first, so the second pass's growth is the detectors'.
void BM_DetectorMemory(benchmark::State& state) {
  constexpr uint32_t kCallers = 10000;
  constexpr unsigned kEndpoints = 1000;
  sensitive::Scanner scanner;
  inventory::Inventory inventory({}, scanner, nullptr, nullptr);
  findings::FindingLog log;
  ExchangeRecord r = Corpus().front();
  auto stream = [&](auto&& inspect) {
    uint64_t n = 0;
    for (uint32_t caller = 0; caller < kCallers; ++caller) {
      const uint32_t address = 0x0a010000 + caller;
      for (int b = 0; b < 4; ++b) r.remote.addr[b] = static_cast<uint8_t>(address >> (24 - 8 * b));
      for (unsigned endpoint = 0; endpoint < kEndpoints; ++endpoint, ++n) {
        r.ts_unix_ns = 1'800'000'000'000'000'000ULL + n * 50'000;
        std::string& target = r.http.request.target;
        target.assign("/api/r").append(std::to_string(endpoint / 10)).append("/");
        target.append(std::to_string(caller)).append("/a").append(std::to_string(endpoint % 10));
        r.http.response->status = n % 50 == 0 ? 401 : 200;
        if (const inventory::ObservedEndpoint* e = inventory.Observe(r)) inspect(*e);
      }
    }
    return n;
  };
  stream([](const inventory::ObservedEndpoint&) {});
  for (auto _ : state) {
    const size_t heap_before = mallinfo2().uordblks;
    DetectorSet detectors({}, inventory.local_addresses());
    const uint64_t n =
        stream([&](const inventory::ObservedEndpoint& e) { detectors.Inspect(r, e, log); });
    const size_t heap_after = mallinfo2().uordblks;
    state.counters["exchanges"] = static_cast<double>(n);
    state.counters["detector_heap_MiB"] =
        static_cast<double>(heap_after - heap_before) / (1024.0 * 1024.0);
    state.counters["callers_untracked"] = static_cast<double>(detectors.untracked_callers());
    state.counters["findings"] = static_cast<double>(log.size());
  }
}

void BM_InventoryAndDetectors(benchmark::State& state) { Run(state, true); }
void BM_InventoryOnly(benchmark::State& state) { Run(state, false); }
BENCHMARK(BM_InventoryAndDetectors);
BENCHMARK(BM_InventoryOnly);
BENCHMARK(BM_DetectorMemory)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace apisensor::detectors

BENCHMARK_MAIN();
