// Bodies cut short (samples capped at a few KiB, connections lost): a prefix contributes what it
// fully holds and never turns a key optional, a number into a different number, or anything into
// a crash.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "agent/schema/inferred_schema.h"
#include "tests/unit/schema/schema_test_util.h"

namespace apisensor::schema {
namespace {

using testing::Infer;

constexpr std::string_view kOrder =
    R"({"id":"123e4567-e89b-12d3-a456-426614174000","total":12.5,"count":3,"paid":true,)"
    R"("note":null,"customer":{"email":"ann@example.com","tags":["a","b"]},)"
    R"("lines":[{"sku":"X-1","qty":1,"price":9.99},{"sku":"Y-2","qty":20,"gift":false}],)"
    R"("ship":{"at":"2024-05-01T10:00:00Z","to":{"city":"Oslo","zip":"0150"}}})";

TEST(TruncationTest, NoPrefixChangesTheSchemaOfTheWholeBody) {
  const std::string whole = Infer({kOrder});
  InferredSchema schema;
  ASSERT_TRUE(schema.Observe(kOrder, true));
  for (size_t n = 0; n < kOrder.size(); ++n) {
    schema.Observe(kOrder.substr(0, n), false);
    ASSERT_EQ(schema.ToJsonSchema(), whole)
        << "prefix of " << n << " bytes: " << kOrder.substr(0, n);
  }
  EXPECT_GT(schema.stats().truncated, kOrder.size() / 2);
  EXPECT_EQ(schema.stats().malformed, 0u);
}

TEST(TruncationTest, PrefixesAloneNeverClaimMoreThanTheWholeBody) {
  // Seen only through prefixes, a key is required only where a complete instance held it, and
  // every type recorded is one the whole body has.
  const std::string whole = Infer({kOrder});
  for (size_t n = 0; n < kOrder.size(); ++n) {
    InferredSchema prefix_only;
    prefix_only.Observe(kOrder.substr(0, n), false);
    InferredSchema both = prefix_only;
    both.Observe(kOrder, true);
    ASSERT_EQ(both.ToJsonSchema(), whole) << n;
  }
}

TEST(TruncationTest, KeyCutOffStaysRequired) {
  InferredSchema schema;
  schema.Observe(R"({"a":1,"b":2})", true);
  EXPECT_TRUE(schema.Observe(R"({"a":1,"b)", false));
  EXPECT_TRUE(schema.Observe(R"({"a":1,)", false));
  EXPECT_TRUE(schema.Observe(R"({"a":1)", false));
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},)"
            R"("required":["a","b"]})");
  EXPECT_EQ(schema.stats().truncated, 3u);
}

TEST(TruncationTest, NestedObjectsThatClosedAreInstances) {
  InferredSchema schema;
  // The first element closed before the cut: it counts, and it lacked "b".
  schema.Observe(R"([{"a":1},{"a":2,"b":)", false);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":"array","items":{"type":"object","properties":{"a":{"type":"integer"},)"
            R"("b":{}},"required":["a"]}})");
}

TEST(TruncationTest, NumberRunningIntoTheCutIsDropped) {
  InferredSchema schema;
  schema.Observe(R"({"price":"n/a"})", true);
  // "12" may have been "12.5": recording integer would be a guess.
  schema.Observe(R"({"price":12)", false);
  schema.Observe(R"([1,2)", false);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":["object","array"],"properties":{"price":{"type":"string"}},)"
            R"("required":["price"],"items":{"type":"integer"}})");
  // Complete, the same bytes are exact.
  EXPECT_EQ(Infer({R"({"price":12})"}),
            R"({"type":"object","properties":{"price":{"type":"integer"}},"required":["price"]})");
}

TEST(TruncationTest, CutInsideAStringOrLiteralRecordsNothingOfIt) {
  InferredSchema schema;
  EXPECT_FALSE(schema.Observe(R"("2024-01-0)", false));
  EXPECT_FALSE(schema.Observe("tru", false));
  EXPECT_FALSE(schema.Observe("12", false));
  EXPECT_FALSE(schema.Observe("-", false));
  EXPECT_TRUE(schema.empty());
  EXPECT_EQ(schema.stats().truncated, 4u);
  EXPECT_EQ(schema.stats().not_json, 0u);
  EXPECT_EQ(schema.samples(), 0u);
  // A cut within an escape is still a cut, not malformed input.
  schema.Observe(R"({"k":"\u00)", false);
  EXPECT_EQ(schema.stats().truncated, 5u);
  EXPECT_EQ(schema.stats().malformed, 0u);
}

TEST(TruncationTest, SampleEndingExactlyAtTheDocumentEndIsWhole) {
  InferredSchema schema;
  EXPECT_TRUE(schema.Observe(R"({"a":1})", false));
  EXPECT_EQ(schema.stats().truncated, 0u);
  EXPECT_EQ(schema.root().objects, 1u);
}

TEST(TruncationTest, EveryPrefixOfEveryBodyIsSafeEvenWhenClaimedComplete) {
  const std::string_view bodies[] = {
      kOrder, R"([[[[{"a":[{"b":{"c":[1,2,{"d":"\ud83d\ude00"}]}}]}]]]])",
      R"({"1":{"2":{"3":[true,false,null,-1.5e-3,"x\"y\\z"]}}})", "\xEF\xBB\xBF[1]"};
  for (std::string_view body : bodies) {
    for (size_t n = 0; n <= body.size(); ++n) {
      for (bool complete : {false, true}) {
        InferredSchema schema;
        schema.Observe(body.substr(0, n), complete);
        EXPECT_LE(schema.node_count(), schema.limits().max_nodes);
        const auto reloaded = InferredSchema::Deserialize(schema.Serialize());
        ASSERT_TRUE(reloaded.has_value()) << n;
        EXPECT_EQ(reloaded->ToJsonSchema(), schema.ToJsonSchema());
      }
    }
  }
}

}  // namespace
}  // namespace apisensor::schema
