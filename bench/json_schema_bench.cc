// Cost of JSON schema inference per body on one core, and memory per schema. The body is a 1 KiB
// order as a typical JSON API returns it (nested objects, an array of line items, ids, dates,
// emails, URLs). "Known shape" is the steady state of the inventory: the endpoint's schema has
// seen this shape before, so only types, formats and counts change. bytes_per_second is body
// bytes; schema_bytes is InferredSchema::MemoryBytes() (heap) after the run.
#include <benchmark/benchmark.h>
#include <rapidjson/reader.h>

#include <string>
#include <string_view>

#include "agent/schema/inferred_schema.h"

namespace apisensor::schema {
namespace {

// A line item; `n` varies values so the bodies are not byte-identical.
std::string Line(int n) {
  return R"({"sku":"SKU-)" + std::to_string(1000 + n) + R"(","name":"Item number )" +
         std::to_string(n) + R"(","quantity":)" + std::to_string(n % 5 + 1) + R"(,"unit_price":)" +
         std::to_string(n * 3 + 1) + R"(.99,"discount":null,)" + R"("tags":["sale","new"]})";
}

// About 1 KiB of compact JSON.
std::string OrderBody(int variant) {
  std::string body =
      R"({"id":"123e4567-e89b-12d3-a456-4266141740)" + std::to_string(10 + variant % 90) +
      R"(","status":"paid","created_at":"2026-11-23T04:41:41.251Z","updated_at":)"
      R"("2026-11-23T04:42:00Z","currency":"EUR","total":)" +
      std::to_string(100 + variant) +
      R"(.5,"item_count":3,"customer":{"id":42,"email":"ann.lee@example.com","name":"Ann Lee",)"
      R"("vip":false,"address":{"line1":"1 Main Street","city":"Oslo","zip":"0150",)"
      R"("country":"NO"}},"lines":[)";
  for (int i = 0; i < 3; ++i) body += (i ? "," : "") + Line(variant + i);
  body += R"(],"payment":{"method":"card","last4":"4242","authorized_at":"2026-11-23T04:41:42Z"},)"
          R"("links":{"self":"https://api.example.com/v1/orders/123","invoice":)"
          R"("https://api.example.com/v1/invoices/987"},"metadata":{"source":"web",)"
          R"("campaign":"winter","client_ip":"10.1.2.3"},"notes":null,"gift":false})";
  return body;
}

// The same document, pretty-printed with two-space indentation as many frameworks send it.
std::string Pretty(std::string_view compact) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (in_string) {
      out += c;
      if (c == '\\') out += compact[++i];
      if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '{':
      case '[':
        out += c;
        out += '\n' + std::string(2 * ++depth, ' ');
        break;
      case '}':
      case ']':
        out += '\n' + std::string(2 * --depth, ' ');
        out += c;
        break;
      case ',':
        out += ",\n" + std::string(2 * depth, ' ');
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void ObserveKnownShape(benchmark::State& state, bool pretty) {
  std::string bodies[8];
  size_t bytes = 0;
  for (int i = 0; i < 8; ++i) {
    bodies[i] = pretty ? Pretty(OrderBody(i)) : OrderBody(i);
    bytes += bodies[i].size();
  }
  InferredSchema schema;
  for (const std::string& b : bodies) schema.Observe(b, true);  // learn the shape
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(schema.Observe(bodies[i++ & 7], true));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes / 8));
  state.counters["body_bytes"] = static_cast<double>(bytes / 8);
  state.counters["schema_bytes"] = static_cast<double>(schema.MemoryBytes());
  state.counters["schema_nodes"] = static_cast<double>(schema.node_count());
}

void BM_ObserveKnownShape(benchmark::State& state) { ObserveKnownShape(state, false); }
BENCHMARK(BM_ObserveKnownShape);

void BM_ObserveKnownShapePretty(benchmark::State& state) { ObserveKnownShape(state, true); }
BENCHMARK(BM_ObserveKnownShapePretty);

// Baseline: RapidJSON's SAX reader alone over the same body, with a handler that does nothing.
struct NullHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NullHandler> {};

void BM_RapidJsonSaxAlone(benchmark::State& state) {
  const std::string body = OrderBody(0);
  rapidjson::Reader reader;
  NullHandler handler;
  for (auto _ : state) {
    rapidjson::StringStream stream(body.c_str());
    benchmark::DoNotOptimize(
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(
            stream, handler));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_RapidJsonSaxAlone);

// First sighting: a fresh schema per body (a new endpoint), nodes and key strings allocated.
void BM_ObserveNewSchema(benchmark::State& state) {
  const std::string body = OrderBody(0);
  for (auto _ : state) {
    InferredSchema schema;
    benchmark::DoNotOptimize(schema.Observe(body, true));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ObserveNewSchema);

// A body cut in the middle of the line items (a 4 KiB sample of a larger body behaves alike).
void BM_ObserveTruncated(benchmark::State& state) {
  const std::string body = OrderBody(0);
  const std::string_view cut = std::string_view(body).substr(0, body.size() / 2);
  InferredSchema schema;
  schema.Observe(body, true);
  for (auto _ : state) benchmark::DoNotOptimize(schema.Observe(cut, false));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * cut.size()));
}
BENCHMARK(BM_ObserveTruncated);

void BM_Merge(benchmark::State& state) {
  InferredSchema other;
  other.Observe(OrderBody(0), true);
  InferredSchema schema;
  schema.Observe(OrderBody(1), true);
  for (auto _ : state) schema.Merge(other);
}
BENCHMARK(BM_Merge);

void BM_ToJsonSchema(benchmark::State& state) {
  InferredSchema schema;
  schema.Observe(OrderBody(0), true);
  for (auto _ : state) benchmark::DoNotOptimize(schema.ToJsonSchema());
}
BENCHMARK(BM_ToJsonSchema);

void BM_SerializeDeserialize(benchmark::State& state) {
  InferredSchema schema;
  schema.Observe(OrderBody(0), true);
  const std::string text = schema.Serialize();
  for (auto _ : state) benchmark::DoNotOptimize(InferredSchema::Deserialize(schema.Serialize()));
  state.counters["serialized_bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_SerializeDeserialize);

}  // namespace
}  // namespace apisensor::schema

BENCHMARK_MAIN();
