// Every cap of SchemaLimits holds whatever the input, and each overflow shows in its counter.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "agent/schema/inferred_schema.h"
#include "agent/schema/schema_tree.h"

namespace apisensor::schema {
namespace {

std::string ObjectWithKeys(size_t n, const std::string& prefix = "field_") {
  std::string body = "{";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) body += ',';
    // Letters only, so no key looks like an id.
    std::string suffix;
    for (size_t k = i + 1; k > 0; k /= 26) suffix += static_cast<char>('a' + k % 26);
    body += "\"" + prefix + suffix + "\":1";
  }
  return body + "}";
}

TEST(CapsTest, NodeCap) {
  SchemaLimits limits;
  limits.max_nodes = 8;
  InferredSchema schema(limits);
  schema.Observe(ObjectWithKeys(20), true);
  EXPECT_EQ(schema.node_count(), 8u);
  EXPECT_EQ(CountNodes(schema.root()), 8u);
  EXPECT_EQ(schema.root().properties.size(), 7u);
  EXPECT_EQ(schema.stats().node_cap_hits, 13u);
  // Keys dropped at the cap are absent, not optional: the recorded ones stay required.
  EXPECT_TRUE(schema.root().Required(schema.root().properties[0]));
  // Known keys still record once the cap is reached.
  schema.Observe(R"({"field_b":"text"})", true);
  EXPECT_EQ(schema.root().properties[0].node->types, kIntegerType | kStringType);
}

TEST(CapsTest, NodeCapOnArrayItemsAndMapValues) {
  SchemaLimits limits;
  limits.max_nodes = 1;
  InferredSchema schema(limits);
  schema.Observe("[1,2,3]", true);
  schema.Observe(R"({"12":1})", true);
  EXPECT_EQ(schema.node_count(), 1u);
  EXPECT_EQ(schema.stats().node_cap_hits, 4u);  // three elements, one map value
  EXPECT_EQ(schema.ToJsonSchema(), R"({"type":["object","array"]})");
}

TEST(CapsTest, DepthCap) {
  SchemaLimits limits;
  limits.max_depth = 3;
  InferredSchema schema(limits);
  schema.Observe(R"({"a":{"b":{"c":{"d":{"e":1}}}}})", true);
  schema.Observe("[[[[[1]]]]]", true);
  EXPECT_EQ(schema.stats().depth_cap_hits, 2u);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":["object","array"],"properties":{"a":{"type":"object","properties":{)"
            R"("b":{"type":"object","properties":{"c":{"type":"object"}},"required":["c"]}},)"
            R"("required":["b"]}},"required":["a"],"items":{"type":"array","items":{)"
            R"("type":"array","items":{"type":"array"}}}})");
}

TEST(CapsTest, ExtremeNestingIsAbandonedAndNeverGrowsTheSchema) {
  // The parser recurses per level, so the body is abandoned past 256 levels; the schema itself
  // stopped at max_depth long before.
  const std::string deep = std::string(1 << 20, '[') + std::string(1 << 20, ']');
  InferredSchema schema;
  EXPECT_TRUE(schema.Observe(deep, true));
  EXPECT_EQ(schema.node_count(), schema.limits().max_depth + 1);
  EXPECT_EQ(schema.stats().depth_cap_hits, 1u);
  EXPECT_EQ(schema.stats().too_deep, 1u);
  EXPECT_EQ(schema.stats().malformed, 0u);
  EXPECT_TRUE(schema.Observe(std::string(1 << 20, '{'), false));  // only the root: `{{` is broken
  EXPECT_EQ(schema.stats().too_deep, 1u);

  InferredSchema within;
  EXPECT_TRUE(within.Observe(std::string(256, '[') + std::string(256, ']'), true));
  EXPECT_EQ(within.stats().too_deep, 0u);
  EXPECT_EQ(within.stats().malformed, 0u);
  EXPECT_TRUE(within.Observe(std::string(257, '[') + std::string(257, ']'), true));
  EXPECT_EQ(within.stats().too_deep, 1u);
}

TEST(CapsTest, PropertyCapTurnsTheObjectIntoAMap) {
  SchemaLimits limits;
  limits.max_properties = 5;
  InferredSchema schema(limits);
  schema.Observe(ObjectWithKeys(5), true);
  EXPECT_FALSE(schema.root().dynamic_keys);
  EXPECT_EQ(schema.stats().property_cap_hits, 0u);
  schema.Observe(ObjectWithKeys(6), true);
  EXPECT_TRUE(schema.root().dynamic_keys);
  EXPECT_EQ(schema.stats().property_cap_hits, 1u);
  EXPECT_EQ(schema.stats().maps_collapsed, 1u);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":"object","additionalProperties":{"type":"integer"}})");
  EXPECT_EQ(schema.node_count(), 2u);
}

TEST(CapsTest, KeyTooLongForAFieldNameMakesAMap) {
  SchemaLimits limits;
  limits.max_key_bytes = 8;
  InferredSchema schema(limits);
  schema.Observe(R"({"short":1,"inner":{"ok":true}})", true);
  schema.Observe(R"({"inner":{"much_too_long":"x"}})", true);
  EXPECT_EQ(schema.stats().key_cap_hits, 1u);
  EXPECT_EQ(schema.stats().maps_collapsed, 1u);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":"object","properties":{"short":{"type":"integer"},"inner":{"type":"object",)"
            R"("additionalProperties":{"type":["string","boolean"]}}},"required":["inner"]})");
  // Once a map, keys are not looked at: no further counting, no growth.
  schema.Observe(R"({"inner":{"another_long_key":1,"k":2}})", true);
  EXPECT_EQ(schema.stats().key_cap_hits, 1u);
  EXPECT_EQ(schema.node_count(), 4u);
}

TEST(CapsTest, KeysThatAreNotUtf8MakeAMap) {
  InferredSchema schema;
  schema.Observe(R"({"a":{"ok":1,"bad)"
                 "\xff"
                 R"(":2},"b":{")"
                 "\xc3\x28"
                 R"(":3},"c":{")"
                 "\xed\xa0\x80"
                 R"(":4}})",
                 true);
  EXPECT_EQ(schema.stats().invalid_keys, 3u);
  EXPECT_EQ(schema.stats().maps_collapsed, 3u);
  for (const SchemaProperty& p : schema.root().properties) {
    EXPECT_TRUE(p.node->dynamic_keys) << p.key;
  }
  // Nothing that is not UTF-8 ever reaches the output.
  EXPECT_EQ(schema.ToJsonSchema().find('\xff'), std::string::npos);
}

TEST(CapsTest, ArrayElementsExamined) {
  SchemaLimits limits;
  limits.max_array_items_examined = 4;
  InferredSchema schema(limits);
  schema.Observe(R"([1,2,3,4,"five",{"six":6},[7]])", true);
  schema.Observe(R"([1,2])", true);
  EXPECT_EQ(schema.stats().array_items_skipped, 1u);
  EXPECT_EQ(schema.ToJsonSchema(), R"({"type":"array","items":{"type":"integer"}})");
}

TEST(CapsTest, LimitsAreClampedToWhatTheImplementationSupports) {
  SchemaLimits limits;
  limits.max_depth = 1000;
  limits.max_properties = 1000;
  limits.max_nodes = 0;
  limits.max_key_bytes = 0;
  const InferredSchema schema(limits);
  EXPECT_EQ(schema.limits().max_depth, SchemaLimits::kDepthCeiling);
  EXPECT_EQ(schema.limits().max_properties, SchemaLimits::kPropertiesCeiling);
  EXPECT_EQ(schema.limits().max_nodes, 1u);
  EXPECT_EQ(schema.limits().max_key_bytes, 1u);
}

TEST(CapsTest, MemoryStaysBoundedUnderRandomBodies) {
  // Worst case per node: a full property table entry with a maximal heap key.
  const SchemaLimits limits;
  const size_t bound = limits.max_nodes *
                       (sizeof(SchemaNode) + 2 * sizeof(SchemaProperty) + limits.max_key_bytes + 1);
  std::mt19937 rng(7);
  const std::string alphabet = R"({}[]:,"abcxyz019.-e truefalsnul\)";
  InferredSchema schema;
  size_t peak = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string body;
    const size_t length = rng() % 300;
    for (size_t k = 0; k < length; ++k) body += alphabet[rng() % alphabet.size()];
    schema.Observe(body, rng() % 2 == 0);
    // Random keys: many distinct ones, so the schema keeps growing until a cap stops it.
    std::string keyed = "{";
    for (int k = 0; k < 8; ++k) {
      if (k > 0) keyed += ',';
      keyed += "\"k" + std::string(1 + rng() % 40, static_cast<char>('a' + rng() % 26)) +
               "\":{\"x" + std::to_string(rng() % 5) + "\":[" + std::to_string(rng() % 9) + "]}";
    }
    schema.Observe(keyed + "}", true);
    ASSERT_LE(schema.node_count(), limits.max_nodes);
    ASSERT_EQ(CountNodes(schema.root()), schema.node_count());
    peak = std::max(peak, schema.MemoryBytes());
  }
  EXPECT_LE(peak, bound);
  EXPECT_GT(schema.stats().not_json + schema.stats().malformed + schema.stats().truncated, 0u);
}

}  // namespace
}  // namespace apisensor::schema
