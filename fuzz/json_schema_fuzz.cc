// Fuzzes JSON schema inference. The input is one byte of settings, then bodies separated by the
// two bytes 0xff 0xfe. Settings bit 0-1 pick the limits (small caps make every overflow path
// reachable), bits 2-7 say which bodies are cut samples (`complete == false`). Checked:
//  - caps hold (nodes counted and bounded, memory bounded), output is valid JSON;
//  - Serialize/Deserialize round-trips exactly;
//  - Merge(first half, second half) equals observing all bodies into one, when no node cap hit
//    (up to property order: a map folds its keys' schemas in the order it met them);
//  - no prefix of a cleanly parsed body changes its schema (a cut never makes a key optional);
//  - the raw input, read as a stored schema, is refused or accepted within the limits.
#include <rapidjson/document.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/schema/inferred_schema.h"
#include "agent/schema/schema_tree.h"

namespace {

using apisensor::schema::CountNodes;
using apisensor::schema::InferredSchema;
using apisensor::schema::SchemaLimits;
using apisensor::schema::SchemaNode;
using apisensor::schema::SchemaProperty;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

SchemaLimits LimitsFor(uint8_t choice) {
  SchemaLimits limits;
  switch (choice & 3) {
    case 0:
      break;
    case 1:
      limits.max_nodes = 12;
      limits.max_depth = 3;
      limits.max_properties = 4;
      limits.max_key_bytes = 6;
      limits.max_array_items_examined = 3;
      break;
    case 2:
      limits.max_nodes = 40;
      limits.max_depth = 6;
      limits.max_properties = 8;
      break;
    default:
      limits.max_nodes = 3;
      limits.max_depth = 1;
      limits.max_properties = 1;
      limits.max_key_bytes = 2;
      limits.max_array_items_examined = 1;
      break;
  }
  return limits;
}

void CheckInvariants(const InferredSchema& schema) {
  const SchemaLimits& limits = schema.limits();
  Check(schema.node_count() <= limits.max_nodes);
  Check(CountNodes(schema.root()) == schema.node_count());
  Check(schema.MemoryBytes() <=
        limits.max_nodes *
            (sizeof(SchemaNode) + 2 * sizeof(SchemaProperty) + limits.max_key_bytes + 1));
  const std::string text = schema.ToJsonSchema();
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  Check(!doc.HasParseError() && doc.IsObject());
  const std::string stored = schema.Serialize();
  const auto reloaded = InferredSchema::Deserialize(stored, limits);
  Check(reloaded.has_value());
  Check(reloaded->Serialize() == stored);
  Check(reloaded->ToJsonSchema() == text);
  Check(reloaded->node_count() == schema.node_count());
}

// The tree with properties sorted by key: what Merge must reproduce exactly.
std::string Canonical(const SchemaNode& node) {
  std::string out = "{" + std::to_string(node.types) + "," + std::to_string(node.formats) + "," +
                    std::to_string(node.objects) + (node.dynamic_keys ? ",map" : "");
  std::vector<std::string> properties;
  for (const SchemaProperty& p : node.properties) {
    properties.push_back(p.key + "\x01" + std::to_string(p.present) + Canonical(*p.node));
  }
  std::sort(properties.begin(), properties.end());
  for (const std::string& p : properties) out += "," + p;
  if (node.values) out += ",a" + Canonical(*node.values);
  if (node.items) out += ",i" + Canonical(*node.items);
  return out + "}";
}

uint64_t CleanCounters(const InferredSchema& s) {
  return s.stats().not_json + s.stats().truncated + s.stats().malformed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t settings = data[0];
  const SchemaLimits limits = LimitsFor(settings);
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string_view> bodies;
  for (size_t start = 0;;) {
    const size_t end = rest.find("\xff\xfe", start);
    bodies.push_back(rest.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos || bodies.size() == 16) break;
    start = end + 2;
  }
  auto complete = [&](size_t i) { return ((settings >> (2 + i % 6)) & 1) == 0; };

  InferredSchema all(limits), first(limits), second(limits);
  for (size_t i = 0; i < bodies.size(); ++i) {
    all.Observe(bodies[i], complete(i));
    (i < bodies.size() / 2 ? first : second).Observe(bodies[i], complete(i));
  }
  CheckInvariants(all);
  InferredSchema merged = first;
  merged.Merge(second);
  CheckInvariants(merged);
  if (all.stats().node_cap_hits + merged.stats().node_cap_hits == 0) {
    Check(Canonical(merged.root()) == Canonical(all.root()));
    Check(merged.samples() == all.samples());
    Check(merged.node_count() == all.node_count());
  }

  if (const auto stored = InferredSchema::Deserialize(rest, limits)) CheckInvariants(*stored);

  // The first body, if it parsed cleanly and complete: none of its prefixes may change it.
  InferredSchema whole(limits);
  if (bodies[0].size() <= 512 && whole.Observe(bodies[0], true) && CleanCounters(whole) == 0 &&
      whole.stats().node_cap_hits == 0) {
    const std::string expected = whole.ToJsonSchema();
    for (size_t n = 0; n < bodies[0].size(); n += 1 + bodies[0].size() / 24) {
      whole.Observe(bodies[0].substr(0, n), false);
      Check(whole.ToJsonSchema() == expected);
    }
  }
  return 0;
}
