// Shapes inferred from complete bodies: types, nesting, required vs optional, unions, maps.
#include "agent/schema/inferred_schema.h"

#include <gtest/gtest.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "tests/unit/schema/schema_test_util.h"

namespace apisensor::schema {
namespace {

using testing::Infer;

TEST(InferredSchemaTest, EmptySchemaAcceptsAnything) {
  InferredSchema schema;
  EXPECT_TRUE(schema.empty());
  EXPECT_EQ(schema.samples(), 0u);
  EXPECT_EQ(schema.ToJsonSchema(), "{}");
}

TEST(InferredSchemaTest, FlatObjectHasEveryTypeAndEveryKeyRequired) {
  EXPECT_EQ(Infer({R"({"id":7,"name":"ann","active":true,"score":1.5,"note":null})"}),
            R"({"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},)"
            R"("active":{"type":"boolean"},"score":{"type":"number"},"note":{"type":"null"}},)"
            R"("required":["id","name","active","score","note"]})");
}

TEST(InferredSchemaTest, ValuesNeverReachTheSchema) {
  InferredSchema schema;
  schema.Observe(R"({"password":"hunter2-secret","card":"4111111111111111","n":987654321})", true);
  const std::string text = schema.ToJsonSchema() + schema.Serialize();
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_EQ(text.find("4111"), std::string::npos);
  EXPECT_EQ(text.find("987654321"), std::string::npos);
  EXPECT_NE(text.find("password"), std::string::npos);  // key names are shape, they stay
}

TEST(InferredSchemaTest, NestedObjects) {
  EXPECT_EQ(Infer({R"({"user":{"id":1,"address":{"city":"Oslo"}},"ok":true})"}),
            R"({"type":"object","properties":{"user":{"type":"object","properties":{)"
            R"("id":{"type":"integer"},"address":{"type":"object","properties":{)"
            R"("city":{"type":"string"}},"required":["city"]}},"required":["id","address"]},)"
            R"("ok":{"type":"boolean"}},"required":["user","ok"]})");
}

TEST(InferredSchemaTest, ArrayOfObjectsWithOptionalKeys) {
  EXPECT_EQ(Infer({R"([{"a":1,"b":"x"},{"a":2},{"a":3,"c":false}])"}),
            R"({"type":"array","items":{"type":"object","properties":{"a":{"type":"integer"},)"
            R"("b":{"type":"string"},"c":{"type":"boolean"}},"required":["a"]}})");
}

TEST(InferredSchemaTest, RequiredOnlyWhenPresentInEverySample) {
  EXPECT_EQ(Infer({R"({"a":1,"b":2})", R"({"a":1})", R"({"a":1,"b":3})"}),
            R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},)"
            R"("required":["a"]})");
  // A key first seen late is optional: earlier instances lacked it.
  EXPECT_EQ(Infer({R"({})", R"({"a":1})"}),
            R"({"type":"object","properties":{"a":{"type":"integer"}}})");
}

TEST(InferredSchemaTest, NullableStringIsATypeUnionNotAnOptionalKey) {
  EXPECT_EQ(Infer({R"({"nick":"al"})", R"({"nick":null})"}),
            R"({"type":"object","properties":{"nick":{"type":["string","null"]}},)"
            R"("required":["nick"]})");
}

TEST(InferredSchemaTest, IntegerAndNumberByTheLiteral) {
  EXPECT_EQ(Infer({"1"}), R"({"type":"integer"})");
  EXPECT_EQ(Infer({"-0"}), R"({"type":"integer"})");
  EXPECT_EQ(Infer({"123456789012345678901234567890"}), R"({"type":"integer"})");
  EXPECT_EQ(Infer({"1.0"}), R"({"type":"number"})");
  EXPECT_EQ(Infer({"1e3"}), R"({"type":"number"})");
  EXPECT_EQ(Infer({"-2E-7"}), R"({"type":"number"})");
  // Seen together, integer folds into number.
  EXPECT_EQ(Infer({"1", "2.5"}), R"({"type":"number"})");
  EXPECT_EQ(Infer({"[1, 2.5, null]"}), R"({"type":"array","items":{"type":["number","null"]}})");
}

TEST(InferredSchemaTest, TopLevelScalarsAndArrays) {
  EXPECT_EQ(Infer({R"("hello")"}), R"({"type":"string"})");
  EXPECT_EQ(Infer({"true"}), R"({"type":"boolean"})");
  EXPECT_EQ(Infer({"null"}), R"({"type":"null"})");
  EXPECT_EQ(Infer({"[]"}), R"({"type":"array"})");
  EXPECT_EQ(Infer({"[[1],[]]"}),
            R"({"type":"array","items":{"type":"array","items":{"type":"integer"}}})");
  EXPECT_EQ(Infer({R"({"a":1})", "[1]"}),
            R"({"type":["object","array"],"properties":{"a":{"type":"integer"}},)"
            R"("required":["a"],"items":{"type":"integer"}})");
}

TEST(InferredSchemaTest, WhitespaceAndByteOrderMarkAreIgnored) {
  EXPECT_EQ(Infer({"\xEF\xBB\xBF \n\t{ \"a\" : [ 1 , 2 ] }\r\n"}),
            R"({"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}},)"
            R"("required":["a"]})");
}

TEST(InferredSchemaTest, EscapedKeysAreUnescapedOnceAndWrittenBackEscaped) {
  InferredSchema schema;
  ASSERT_TRUE(schema.Observe(R"({"a\"b":1,"caf\u00e9":2,"line\nbreak":3})", true));
  ASSERT_EQ(schema.root().properties.size(), 3u);
  EXPECT_EQ(schema.root().properties[0].key, "a\"b");
  EXPECT_EQ(schema.root().properties[1].key, "caf\xC3\xA9");
  EXPECT_EQ(schema.root().properties[2].key, "line\nbreak");
  EXPECT_EQ(schema.ToJsonSchema(),
            "{\"type\":\"object\",\"properties\":{\"a\\\"b\":{\"type\":\"integer\"},"
            "\"caf\xC3\xA9\":{\"type\":\"integer\"},\"line\\nbreak\":{\"type\":\"integer\"}},"
            "\"required\":[\"a\\\"b\",\"caf\xC3\xA9\",\"line\\nbreak\"]}");
}

TEST(InferredSchemaTest, DuplicateKeyInOneInstanceCountsOnce) {
  InferredSchema schema;
  schema.Observe(R"({"a":1,"a":"x"})", true);
  schema.Observe(R"({"a":2})", true);
  ASSERT_EQ(schema.root().properties.size(), 1u);
  EXPECT_EQ(schema.root().properties[0].present, 2u);
  EXPECT_TRUE(schema.root().Required(schema.root().properties[0]));
  EXPECT_EQ(schema.root().properties[0].node->types, kIntegerType | kStringType);
}

TEST(InferredSchemaTest, KeysInADifferentOrderStillMatch) {
  InferredSchema schema;
  schema.Observe(R"({"a":1,"b":2,"c":3})", true);
  schema.Observe(R"({"c":1,"a":2,"b":3})", true);
  schema.Observe(R"({"b":1,"c":2})", true);
  EXPECT_EQ(schema.root().properties.size(), 3u);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"},)"
            R"("c":{"type":"integer"}},"required":["b","c"]})");
}

TEST(InferredSchemaTest, NotJsonIsRefusedAndCounted) {
  InferredSchema schema;
  EXPECT_FALSE(schema.Observe("", true));
  EXPECT_FALSE(schema.Observe("   \r\n", true));
  EXPECT_FALSE(schema.Observe("<!doctype html><html><body>{\"a\":1}</body></html>", true));
  EXPECT_FALSE(schema.Observe("name=ann&age=3", true));
  EXPECT_FALSE(schema.Observe("nope", true));
  EXPECT_FALSE(schema.Observe("-x", true));
  EXPECT_FALSE(schema.Observe("'single'", true));
  EXPECT_EQ(schema.stats().not_json, 7u);
  EXPECT_EQ(schema.samples(), 0u);
  EXPECT_TRUE(schema.empty());
  EXPECT_EQ(schema.node_count(), 1u);
}

TEST(InferredSchemaTest, MalformedBodyKeepsOnlyWhatCameBeforeTheError) {
  InferredSchema schema;
  schema.Observe(R"({"a":1,"b":2})", true);
  // Broken after "a": the instance never closed, so it cannot make b optional.
  EXPECT_TRUE(schema.Observe(R"({"a":"x", oops})", true));
  EXPECT_EQ(schema.stats().malformed, 1u);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":"object","properties":{"a":{"type":["string","integer"]},)"
            R"("b":{"type":"integer"}},"required":["a","b"]})");
  // Trailing garbage after a complete document: the document counts, the garbage is counted.
  EXPECT_TRUE(schema.Observe(R"({"a":1} trailing)", true));
  EXPECT_EQ(schema.stats().malformed, 2u);
  EXPECT_EQ(schema.root().objects, 2u);
}

TEST(InferredSchemaTest, StringFormatsWhenEveryValueMatches) {
  EXPECT_EQ(
      Infer({R"({"at":"2024-02-29T23:59:60.123+05:30","day":"2024-02-29",)"
             R"("mail":"ann.lee+x@mail.example.com","id":"123e4567-e89b-12d3-a456-426614174000",)"
             R"("ip":"192.168.0.1","url":"https://example.com/a?b=c#d"})"}),
      R"({"type":"object","properties":{"at":{"type":"string","format":"date-time"},)"
      R"("day":{"type":"string","format":"date"},"mail":{"type":"string","format":"email"},)"
      R"("id":{"type":"string","format":"uuid"},"ip":{"type":"string","format":"ipv4"},)"
      R"("url":{"type":"string","format":"uri"}},)"
      R"("required":["at","day","mail","id","ip","url"]})");
}

TEST(InferredSchemaTest, OneNonMatchingValueRemovesTheFormatForGood) {
  EXPECT_EQ(Infer({R"("2024-01-01")", R"("2024-01-02")"}), R"({"type":"string","format":"date"})");
  EXPECT_EQ(Infer({R"("2024-01-01")", R"("soon")", R"("2024-01-02")"}), R"({"type":"string"})");
  EXPECT_EQ(Infer({R"("2024-01-01")", R"("2024-01-01T00:00:00Z")"}), R"({"type":"string"})");
  // Null beside the strings does not disturb the format.
  EXPECT_EQ(Infer({R"(["https://a.example", null, "http://b.example/x"])"}),
            R"({"type":"array","items":{"type":["string","null"],"format":"uri"}})");
}

TEST(InferredSchemaTest, NearMissFormatsAreNotClaimed) {
  for (const char* body :
       {R"("2024-13-01")", R"("2023-02-29")", R"("2024-01-01T25:00:00Z")",
        R"("2024-01-01T10:00:00")", R"("2024-01-01 10:00:00Z")", R"("ann@localhost")",
        R"("ann@@example.com")", R"(".ann@example.com")",
        R"("123e4567-e89b-12d3-a456-42661417400")", R"("256.1.1.1")", R"("01.2.3.4")", R"("1.2.3")",
        R"("ftp://example.com")", R"("https://")", R"("http://exa mple.com")", R"("")"}) {
    EXPECT_EQ(Infer({body}), R"({"type":"string"})") << body;
  }
}

TEST(InferredSchemaTest, IdKeyedObjectsBecomeMaps) {
  InferredSchema schema;
  schema.Observe(R"({"users":{"1001":{"name":"a"},"1002":{"name":"b","admin":true}}})", true);
  schema.Observe(R"({"users":{"1003":{"name":"c"}}})", true);
  EXPECT_EQ(
      schema.ToJsonSchema(),
      R"({"type":"object","properties":{"users":{"type":"object","additionalProperties":)"
      R"({"type":"object","properties":{"name":{"type":"string"},"admin":{"type":"boolean"}},)"
      R"("required":["name"]}}},"required":["users"]})");
  EXPECT_EQ(schema.stats().maps_collapsed, 1u);
  EXPECT_EQ(schema.Serialize().find("1001"), std::string::npos);
}

TEST(InferredSchemaTest, MapCollapseFoldsKeysSeenBefore) {
  // The first sample's keys looked like names; the second's are dates: the object was a map.
  InferredSchema schema;
  schema.Observe(R"({"daily":{"total":5}})", true);
  schema.Observe(R"({"daily":{"2024-05-01":3,"2024-05-02":4}})", true);
  EXPECT_EQ(schema.ToJsonSchema(),
            R"({"type":"object","properties":{"daily":{"type":"object","additionalProperties":)"
            R"({"type":"integer"}}},"required":["daily"]})");
  EXPECT_EQ(schema.node_count(), 3u);  // root, daily, its value schema: the folded nodes freed
}

TEST(InferredSchemaTest, EveryKindOfIdKeyMakesAMap) {
  for (const char* body :
       {R"({"42":1})", R"({"123e4567-e89b-12d3-a456-426614174000":1})", R"({"2024-05-01":1})",
        R"({"2024-05-01T10:00:00Z":1})", R"({"ann@example.com":1})", R"({"10.0.0.1":1})",
        R"({"5f2b8c9d1e3a":1})", R"({"cus_9s6XKzkNRiz8i3":1})"}) {
    InferredSchema schema;
    schema.Observe(body, true);
    EXPECT_TRUE(schema.root().dynamic_keys) << body;
    EXPECT_EQ(schema.stats().maps_collapsed, 1u) << body;
  }
}

TEST(InferredSchemaTest, FieldNamesWithDigitsStayProperties) {
  for (const char* body :
       {R"({"address_line_2":1})", R"({"iso8601_timestamp":1})", R"({"x509Certificate":1})",
        R"({"sha256_fingerprint":1})", R"({"oauth2_scopes":1})", R"({"v1":1})", R"({"utf8":1})",
        R"({"deadbeefcafe":1})", R"({"accessed":1})", R"({"@type":1})"}) {
    InferredSchema schema;
    schema.Observe(body, true);
    EXPECT_FALSE(schema.root().dynamic_keys) << body;
    EXPECT_EQ(schema.root().properties.size(), 1u) << body;
  }
}

TEST(InferredSchemaTest, WritesThroughAnyRapidJsonWriter) {
  InferredSchema schema;
  schema.Observe(R"({"a":[1]})", true);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  schema.WriteJsonSchema(writer);
  EXPECT_NE(std::string(buffer.GetString()).find("\n    \"properties\""), std::string::npos);
}

TEST(InferredSchemaTest, CopiesAreDeepAndIndependent) {
  InferredSchema original;
  original.Observe(R"({"a":{"b":1}})", true);
  InferredSchema copy = original;
  copy.Observe(R"({"a":{"c":1}})", true);
  EXPECT_EQ(original.ToJsonSchema(), Infer({R"({"a":{"b":1}})"}));
  EXPECT_EQ(copy.ToJsonSchema(), Infer({R"({"a":{"b":1}})", R"({"a":{"c":1}})"}));
  EXPECT_EQ(original.MemoryBytes(), InferredSchema(original).MemoryBytes());
}

}  // namespace
}  // namespace apisensor::schema
