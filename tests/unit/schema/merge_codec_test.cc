// Merge(a, b) is the schema of observing a's and b's bodies into one; Serialize/Deserialize
// survive a restart exactly and refuse anything else.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "agent/schema/inferred_schema.h"
#include "agent/schema/schema_tree.h"

namespace apisensor::schema {
namespace {

struct Body {
  std::string text;
  bool complete = true;
};

const std::vector<Body>& Bodies() {
  static const std::vector<Body> bodies = {
      {R"({"id":1,"name":"a","tags":["x"],"at":"2024-01-01T00:00:00Z"})"},
      {R"({"id":2,"tags":[],"at":"2024-01-02T00:00:00Z","extra":{"k":1.5}})"},
      {R"({"id":3,"name":null,"by_id":{"1001":{"v":1}},"at":"tomorrow"})"},
      {R"({"id":4,"name":"d","by_id":{"u":2},"extra":{"k":2,"j":[1,{"q":true}]}})"},
      {R"({"id":5,"name":"e","tags":["y","z"],"lines":[{"a":1},{"a":2,"b)", false},
      {R"([{"id":6},{"id":7,"mail":"a@b.example"}])"},
      {R"({"id":8,"extra":{"j":[{"q":false,"r":"2024-01-01"}]}})"},
      {R"({"id":9,"by_id":{"x":{"v":"s"}},"name":"i"})"},
  };
  return bodies;
}

InferredSchema Observed(const std::vector<Body>& bodies, SchemaLimits limits = {}) {
  InferredSchema schema(limits);
  for (const Body& b : bodies) schema.Observe(b.text, b.complete);
  return schema;
}

void ExpectSameSchema(const InferredSchema& a, const InferredSchema& b) {
  EXPECT_EQ(a.ToJsonSchema(), b.ToJsonSchema());
  EXPECT_EQ(a.Serialize(), b.Serialize());  // every count, not only the published shape
  EXPECT_EQ(a.samples(), b.samples());
  EXPECT_EQ(a.node_count(), b.node_count());
  EXPECT_EQ(CountNodes(a.root()), a.node_count());
}

TEST(MergeTest, MergeEqualsObservingEveryBodyIntoOne) {
  const std::vector<Body>& all = Bodies();
  for (size_t split = 0; split <= all.size(); ++split) {
    const std::vector<Body> first(all.begin(), all.begin() + split);
    const std::vector<Body> second(all.begin() + split, all.end());
    InferredSchema merged = Observed(first);
    merged.Merge(Observed(second));
    SCOPED_TRACE(split);
    ExpectSameSchema(merged, Observed(all));
  }
}

TEST(MergeTest, InterleavedSubsetsMergeToTheSameCounts) {
  // Not a prefix split: a gets the even bodies, b the odd ones. Property order may differ from
  // a single observer's, the published requirements and counts may not.
  std::vector<Body> even, odd;
  for (size_t i = 0; i < Bodies().size(); ++i) (i % 2 ? odd : even).push_back(Bodies()[i]);
  InferredSchema merged = Observed(even);
  merged.Merge(Observed(odd));
  InferredSchema reverse = Observed(odd);
  reverse.Merge(Observed(even));
  const InferredSchema all = Observed(Bodies());
  for (const InferredSchema* s : {&merged, &reverse}) {
    EXPECT_EQ(s->samples(), all.samples());
    EXPECT_EQ(s->node_count(), all.node_count());
    EXPECT_EQ(s->root().objects, all.root().objects);
    for (const SchemaProperty& p : all.root().properties) {
      const SchemaProperty* mine = s->root().Find(p.key);
      ASSERT_NE(mine, nullptr) << p.key;
      EXPECT_EQ(mine->present, p.present) << p.key;
      EXPECT_EQ(mine->node->types, p.node->types) << p.key;
      EXPECT_EQ(mine->node->Format(), p.node->Format()) << p.key;
      EXPECT_EQ(mine->node->dynamic_keys, p.node->dynamic_keys) << p.key;
    }
  }
}

TEST(MergeTest, MapOnOneSideAbsorbsTheOthersProperties) {
  InferredSchema fixed;
  fixed.Observe(R"({"m":{"alpha":{"x":1},"beta":{"x":2,"y":3}}})", true);
  InferredSchema map;
  map.Observe(R"({"m":{"42":{"x":"s"}}})", true);
  InferredSchema a = fixed;
  a.Merge(map);
  InferredSchema b = map;
  b.Merge(fixed);
  const char* expected =
      R"({"type":"object","properties":{"m":{"type":"object","additionalProperties":{)"
      R"("type":"object","properties":{"x":{"type":["string","integer"]},"y":{"type":"integer"}},)"
      R"("required":["x"]}}},"required":["m"]})";
  EXPECT_EQ(b.ToJsonSchema(), expected);
  EXPECT_EQ(a.ToJsonSchema(),
            R"({"type":"object","properties":{"m":{"type":"object","additionalProperties":{)"
            R"("type":"object","properties":{"x":{"type":["string","integer"]},)"
            R"("y":{"type":"integer"}},"required":["x"]}}},"required":["m"]})");
  EXPECT_EQ(a.node_count(), b.node_count());
}

TEST(MergeTest, MergeIntoItselfDoublesTheCounts) {
  InferredSchema schema = Observed(Bodies());
  const std::string before = schema.ToJsonSchema();
  schema.Merge(schema);
  EXPECT_EQ(schema.ToJsonSchema(), before);
  EXPECT_EQ(schema.samples(), 2 * Observed(Bodies()).samples());
  EXPECT_EQ(schema.root().objects, 2 * Observed(Bodies()).root().objects);
}

TEST(MergeTest, MergeRespectsTheReceiversCaps) {
  SchemaLimits small;
  small.max_nodes = 8;
  small.max_properties = 2;
  InferredSchema receiver(small);
  receiver.Merge(Observed(Bodies()));
  EXPECT_LE(receiver.node_count(), 8u);
  EXPECT_EQ(CountNodes(receiver.root()), receiver.node_count());
  EXPECT_GT(receiver.stats().node_cap_hits + receiver.stats().property_cap_hits, 0u);
  EXPECT_TRUE(receiver.root().dynamic_keys);  // more than two keys at the root
}

TEST(MergeTest, StatsAddUp) {
  InferredSchema a;
  a.Observe("<html>", true);
  InferredSchema b;
  b.Observe("[1", false);
  a.Merge(b);
  EXPECT_EQ(a.stats().not_json, 1u);
  EXPECT_EQ(a.stats().truncated, 1u);
  EXPECT_EQ(a.samples(), 1u);
}

TEST(CodecTest, RoundTripIsExactAndKeepsLearning) {
  InferredSchema original = Observed(Bodies());
  const std::string text = original.Serialize();
  std::optional<InferredSchema> reloaded = InferredSchema::Deserialize(text);
  ASSERT_TRUE(reloaded.has_value());
  ExpectSameSchema(*reloaded, original);
  // Property tables come back sized exactly; live ones grew by doubling.
  EXPECT_GT(reloaded->MemoryBytes(), 0u);
  EXPECT_LE(reloaded->MemoryBytes(), original.MemoryBytes());
  EXPECT_EQ(reloaded->stats(), SchemaStats{});  // process counters are not persisted
  // After a restart the reloaded schema goes on exactly as if it had never stopped.
  for (InferredSchema* s : {&original, &*reloaded}) {
    s->Observe(R"({"id":10,"fresh":true})", true);
  }
  ExpectSameSchema(*reloaded, original);
}

TEST(CodecTest, EmptySchemaRoundTrips) {
  const InferredSchema empty;
  const auto reloaded = InferredSchema::Deserialize(empty.Serialize());
  ASSERT_TRUE(reloaded.has_value());
  EXPECT_TRUE(reloaded->empty());
  EXPECT_EQ(reloaded->ToJsonSchema(), "{}");
}

TEST(CodecTest, GarbageIsRefused) {
  const char* garbage[] = {
      "",
      "null",
      "[]",
      "{",
      R"({"v":1,"samples":1})",
      R"({"v":2,"samples":1,"root":{"t":1}})",
      R"({"v":1,"samples":-1,"root":{"t":1}})",
      R"({"v":1,"samples":1,"root":{"t":1},"more":0})",
      R"({"v":1,"samples":1,"root":{}})",                   // no types
      R"({"v":1,"samples":1,"root":{"t":128}})",            // unknown type bit
      R"({"v":1,"samples":1,"root":{"t":1,"z":0}})",        // unknown field
      R"({"v":1,"samples":1,"root":{"t":1,"f":1}})",        // format without string
      R"({"v":1,"samples":1,"root":{"t":16,"f":64}})",      // unknown format bit
      R"({"v":1,"samples":1,"root":{"t":1,"o":1}})",        // instances of a non-object
      R"({"v":1,"samples":1,"root":{"t":1,"i":{"t":1}}})",  // items of a non-array
      R"({"v":1,"samples":1,"root":{"t":64,"o":1,"p":[["a",2,{"t":1}]]}})",  // present > objects
      R"({"v":1,"samples":1,"root":{"t":64,"o":1,"p":[["a",1,{"t":1}],["a",1,{"t":1}]]}})",
      R"({"v":1,"samples":1,"root":{"t":64,"p":[]}})",
      R"({"v":1,"samples":1,"root":{"t":64,"p":[["a",0]]}})",
      R"({"v":1,"samples":1,"root":{"t":64,"p":[[1,0,{"t":1}]]}})",
      R"({"v":1,"samples":1,"root":{"t":64,"d":true,"p":[["a",0,{"t":1}]]}})",  // map with keys
      R"({"v":1,"samples":1,"root":{"t":64,"a":{"t":1}}})",  // values without being a map
      R"({"v":1,"samples":1,"root":{"t":64,"d":false}})",
      R"({"v":1,"samples":1,"root":{"t":1,"t":2}})",
      R"({"v":1,"samples":1,"root":{"t":64,"p":[["\ud800",0,{"t":1}]]}})",  // lone surrogate
      "{\"v\":1,\"samples\":1,\"root\":{\"t\":64,\"p\":[[\"\xff\",0,{\"t\":1}]]}}",
  };
  for (const char* text : garbage) {
    EXPECT_FALSE(InferredSchema::Deserialize(text).has_value()) << text;
  }
}

TEST(CodecTest, LimitsOfTheReaderApply) {
  const std::string text = Observed(Bodies()).Serialize();
  ASSERT_TRUE(InferredSchema::Deserialize(text).has_value());
  SchemaLimits few_nodes;
  few_nodes.max_nodes = 5;
  EXPECT_FALSE(InferredSchema::Deserialize(text, few_nodes).has_value());
  SchemaLimits shallow;
  shallow.max_depth = 1;
  EXPECT_FALSE(InferredSchema::Deserialize(text, shallow).has_value());
  SchemaLimits narrow;
  narrow.max_properties = 2;
  EXPECT_FALSE(InferredSchema::Deserialize(text, narrow).has_value());
  SchemaLimits short_keys;
  short_keys.max_key_bytes = 3;
  EXPECT_FALSE(InferredSchema::Deserialize(text, short_keys).has_value());
  // Nesting far past the depth limit, and text far past any valid size, are refused up front.
  std::string deep = R"({"v":1,"samples":1,"root":)";
  for (int i = 0; i < 100000; ++i) deep += R"({"t":32,"i":)";
  EXPECT_FALSE(InferredSchema::Deserialize(deep).has_value());
  EXPECT_FALSE(InferredSchema::Deserialize(std::string(10 << 20, ' ') + text).has_value());
}

TEST(CodecTest, MutatedTextsNeverCrashAndStayWithinLimits) {
  const std::string text = Observed(Bodies()).Serialize();
  std::mt19937 rng(11);
  SchemaLimits limits;
  limits.max_nodes = 20;
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string mutated = text;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % mutated.size();
      switch (rng() % 3) {
        case 0:
          mutated[at] = static_cast<char>(rng());
          break;
        case 1:
          mutated.erase(at, 1 + rng() % 8);
          break;
        default:
          mutated.insert(at, 1, "{}[]\",:0123456789tdpaifo"[rng() % 25]);
          break;
      }
      if (mutated.empty()) mutated = "x";
    }
    if (const auto schema = InferredSchema::Deserialize(mutated, limits)) {
      ++accepted;
      ASSERT_LE(schema->node_count(), limits.max_nodes);
      ASSERT_EQ(CountNodes(schema->root()), schema->node_count());
      // What was accepted serializes back to something accepted again, identically.
      const auto again = InferredSchema::Deserialize(schema->Serialize(), limits);
      ASSERT_TRUE(again.has_value()) << mutated;
      ASSERT_EQ(again->Serialize(), schema->Serialize());
    }
  }
  EXPECT_LT(accepted, 20000);
}

}  // namespace
}  // namespace apisensor::schema
