// Cost of matching one observed request against declared specs (ServiceSpecs::Classify, run per
// exchange) and of loading a large spec. The specs are generated: `resources` REST resources,
// each with a collection, an item, a literal sub-path beside the item, a nested collection and a
// patterned download, under two base paths; two versions so that misses also search the old one.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/openapi/service_specs.h"
#include "agent/openapi/spec_parser.h"

namespace apisensor::openapi {
namespace {

std::string GeneratedSpec(int resources, std::string_view version) {
  std::string text = "openapi: 3.0.3\ninfo: {title: Bench, version: '" + std::string(version) +
                     "'}\nservers:\n  - url: https://api.example.com/v1\n  - url: /internal/v1\n"
                     "security: [{bearer: []}]\npaths:\n";
  for (int i = 0; i < resources; ++i) {
    const std::string r = "/resource" + std::to_string(i);
    text += "  " + r + ":\n    get: {operationId: list" + std::to_string(i) +
            ", parameters: [{name: page, in: query}]}\n    post: {}\n";
    text += "  " + r + "/{id}:\n    get: {}\n    put: {}\n    delete: {deprecated: true}\n";
    text += "  " + r + "/search:\n    get: {}\n";
    text += "  " + r + "/{id}/items/{itemId}:\n    get: {}\n";
    text += "  " + r + "/{id}/export.{format}:\n    get: {}\n";
  }
  text += "components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n";
  return text;
}

std::shared_ptr<const ServiceSpecs> Build(int resources) {
  auto current = std::make_shared<const Spec>(ParseSpec(GeneratedSpec(resources, "2.0"), "v2"));
  auto older = std::make_shared<const Spec>(ParseSpec(GeneratedSpec(resources, "1.0"), "v1"));
  return std::make_shared<const ServiceSpecs>(
      std::vector<std::shared_ptr<const Spec>>{current, older});
}

struct Request {
  std::string method;
  std::string path;
};

// A mix: literal and parameter matches, a pattern, a trailing slash, the second base path, a
// path-only match (undeclared method) and a miss.
std::vector<Request> Requests(int resources) {
  std::vector<Request> out;
  for (int i = 0; i < resources; i += std::max(1, resources / 16)) {
    const std::string r = "/v1/resource" + std::to_string(i);
    out.push_back({"GET", r});
    out.push_back({"GET", r + "/8f14e45f-ceea-467f-a8ad-0e7c6f0b2f1a"});
    out.push_back({"GET", r + "/search/"});
    out.push_back({"DELETE", "/internal" + r + "/42"});
    out.push_back({"GET", r + "/42/items/7"});
    out.push_back({"GET", r + "/42/export.csv"});
    out.push_back({"PATCH", r + "/42"});
    out.push_back({"GET", r + "/42/unknown/deeper"});
  }
  return out;
}

void BM_Classify(benchmark::State& state) {
  const int resources = static_cast<int>(state.range(0));
  const auto specs = Build(resources);
  const std::vector<Request> requests = Requests(resources);
  size_t i = 0;
  for (auto _ : state) {
    const Request& r = requests[i];
    i = i + 1 == requests.size() ? 0 : i + 1;
    const Classification c = specs->Classify(r.method, r.path);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["operations"] = static_cast<double>(specs->CurrentOperations().size());
}
BENCHMARK(BM_Classify)->Arg(1)->Arg(20)->Arg(200)->Arg(2000);

void BM_ClassifyUndeclared(benchmark::State& state) {
  const auto specs = Build(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const Classification c = specs->Classify("GET", "/metrics");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyUndeclared)->Arg(200);

void BM_ParseSpec(benchmark::State& state) {
  const std::string text = GeneratedSpec(static_cast<int>(state.range(0)), "1.0");
  for (auto _ : state) {
    const Spec spec = ParseSpec(text, "bench.yaml");
    benchmark::DoNotOptimize(spec.operations.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseSpec)->Arg(200)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace apisensor::openapi

BENCHMARK_MAIN();
