// Cost of PathTemplater::Observe on a realistic mixed corpus once the templates are learned:
// REST resources with numeric ids and UUIDs, nested resources, static siblings, versioned APIs,
// tenants merged into {param}, blog slugs, dates, emails, hex digests and base64url tokens, with
// a fresh value in every id position. items_processed counts paths; the counters report the
// trie's size per node and per distinct template.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "agent/templating/path_templater.h"

namespace apisensor::templating {
namespace {

std::string Uuid(std::mt19937_64& rng) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += kHex[rng() % 16];
  }
  return s;
}

std::string Token(std::mt19937_64& rng, size_t length) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string s;
  for (size_t i = 0; i < length; ++i) s += kAlphabet[rng() % 64];
  return s;
}

std::string Hex(std::mt19937_64& rng, size_t length) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < length; ++i) s += kHex[rng() % 16];
  return s;
}

// One path of a typical SaaS API's traffic mix.
std::string RandomPath(std::mt19937_64& rng) {
  static const std::vector<std::string> kResources = {"users",     "orders",  "products",
                                                      "invoices",  "carts",   "payments",
                                                      "shipments", "reviews", "coupons"};
  static const std::vector<std::string> kTenants = {
      "acme",      "globex",   "initech",   "umbrella", "hooli",     "stark",
      "wayne",     "wonka",    "cyberdyne", "tyrell",   "soylent",   "massive",
      "gringotts", "oscorp",   "vandelay",  "monarch",  "aperture",  "blackmesa",
      "weyland",   "nakatomi", "dunder",    "pawnee",   "prestige",  "sterling",
      "oceanic",   "octan",    "virtucon",  "zorg",     "kwikemart", "duff"};
  const std::string& r = kResources[rng() % kResources.size()];
  const std::string id = std::to_string(rng() % 1000000);
  switch (rng() % 12) {
    case 0:
      return "/api/v1/" + r;
    case 1:
      return "/api/v1/" + r + "/" + id;
    case 2:
      return "/api/v2/" + r + "/" + Uuid(rng);
    case 3:
      return "/api/v1/users/" + id + "/orders/" + std::to_string(rng() % 5000) + "/items/" +
             std::to_string(rng() % 50);
    case 4:
      return rng() % 2 ? "/api/v1/users/me" : "/api/v1/users/search";
    case 5:
      return "/v1/" + kTenants[rng() % kTenants.size()] + "/" + r + "/" + id;
    case 6:
      return "/blog/post-" + std::to_string(rng() % 400) + "-about-" + r;
    case 7:
      return "/reports/2024-0" + std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10) +
             "/summary";
    case 8:
      return "/api/v1/accounts/user" + std::to_string(rng() % 1000) + "@example.com/settings";
    case 9:
      return "/blobs/sha256/" + Hex(rng, 64);
    case 10:
      return "/auth/reset/" + Token(rng, 32);
    default:
      return "/api/v1/" + r + "/" + id + "/history?page=2";
  }
}

std::vector<std::string> Corpus(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> paths;
  for (size_t i = 0; i < n; ++i) paths.push_back(RandomPath(rng));
  return paths;
}

void BM_ObserveLearnedMix(benchmark::State& state) {
  PathTemplater templater;
  std::set<std::string> templates;
  for (const std::string& p : Corpus(50000, 1)) templates.emplace(templater.Observe(p));
  // Fresh values: the same templates, none of these paths seen before.
  const std::vector<std::string> paths = Corpus(8192, 2);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(templater.Observe(paths[i++ & 8191]).data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["nodes"] = static_cast<double>(templater.node_count());
  state.counters["templates"] = static_cast<double>(templates.size());
  state.counters["bytes_per_node"] =
      static_cast<double>(templater.MemoryBytes()) / templater.node_count();
  state.counters["bytes_per_template"] =
      static_cast<double>(templater.MemoryBytes()) / templates.size();
  state.counters["merges"] = static_cast<double>(templater.stats().merges);
}
BENCHMARK(BM_ObserveLearnedMix);

void BM_ObserveShortPath(benchmark::State& state) {
  PathTemplater templater;
  templater.Observe("/api/v1/users/1");
  const std::vector<std::string> paths = {"/api/v1/users/42", "/api/v1/users/1337",
                                          "/api/v1/users/9000001", "/api/v1/users/7"};
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(templater.Observe(paths[i++ & 3]).data());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ObserveShortPath);

// Learning from scratch, merges included: what a new service costs until its templates settle.
void BM_LearnFromScratch(benchmark::State& state) {
  const std::vector<std::string> paths = Corpus(4096, 3);
  for (auto _ : state) {
    PathTemplater templater;
    for (const std::string& p : paths) benchmark::DoNotOptimize(templater.Observe(p).data());
  }
  state.SetItemsProcessed(state.iterations() * paths.size());
}
BENCHMARK(BM_LearnFromScratch);

// Marginal memory: 8,000 distinct literal templates (nothing merges), so the fixed buffers are
// negligible and bytes_per_node is the trie's own cost.
void BM_MemoryPerTemplate(benchmark::State& state) {
  static const std::vector<std::string> kWords = {
      "accounts", "billing", "catalog", "devices",  "events", "features", "groups",
      "hooks",    "imports", "jobs",    "keys",     "labels", "metrics",  "notes",
      "policies", "quotas",  "roles",   "sessions", "teams",  "uploads"};
  TemplaterLimits limits;
  limits.cardinality_threshold = 1000;
  limits.max_nodes = 100000;
  size_t templates = 0;
  for (auto _ : state) {
    PathTemplater templater(limits);
    templates = 0;
    for (const std::string& a : kWords) {
      for (const std::string& b : kWords) {
        for (const std::string& c : kWords) {
          templater.Observe("/api/" + a + "/" + b + "/" + c);
          ++templates;
        }
      }
    }
    state.counters["nodes"] = static_cast<double>(templater.node_count());
    state.counters["bytes_per_node"] =
        static_cast<double>(templater.MemoryBytes()) / templater.node_count();
    state.counters["bytes_per_template"] = static_cast<double>(templater.MemoryBytes()) / templates;
  }
  state.SetItemsProcessed(state.iterations() * templates);
}
BENCHMARK(BM_MemoryPerTemplate)->Unit(benchmark::kMillisecond);

void BM_ClassifySegment(benchmark::State& state) {
  const std::vector<std::string> segments = {"users",
                                             "1234567",
                                             "9f8c2a1e-4b7d-4c1a-9e3f-0a1b2c3d4e5f",
                                             "how-to-build-an-api",
                                             "ada@example.com",
                                             "2024-01-31",
                                             "q0Z8rT3vW_x-1bN7yLmK2A",
                                             "v1"};
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ClassifySegment(segments[i++ & 7]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifySegment);

}  // namespace
}  // namespace apisensor::templating

BENCHMARK_MAIN();
