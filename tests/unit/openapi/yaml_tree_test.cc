#include "agent/openapi/yaml_tree.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace apisensor::openapi {
namespace {

using Kind = YamlTree::Kind;

YamlTree ParseAll(std::string_view text, const YamlLimits& limits = {}) {
  return YamlTree::Parse(text, KeepEverything(), limits);
}

// Keeps `keep:` at the top level and everything under it; drops every other key.
class KeepOnlyKeepKey : public YamlKeepPolicy {
 public:
  static constexpr uint8_t kTop = 2;
  uint8_t RootContext() const override { return kTop; }
  uint8_t MapValueContext(uint8_t parent, std::string_view key) const override {
    return parent == kTop && key == "keep" ? kKeepAll : kSkip;
  }
  uint8_t SequenceItemContext(uint8_t) const override { return kSkip; }
};

TEST(YamlTree, MappingsSequencesScalarsAndLines) {
  const YamlTree tree = ParseAll(
      "openapi: 3.0.0\n"
      "list:\n"
      "  - a\n"
      "  - {x: 1}\n"
      "empty:\n");
  ASSERT_FALSE(tree.empty());
  const auto root = tree.root();
  EXPECT_EQ(tree.kind(root), Kind::kMap);
  EXPECT_EQ(tree.size(root), 3u);
  EXPECT_EQ(tree.scalar(tree.Find(root, "openapi")), "3.0.0");
  const auto list = tree.Find(root, "list");
  ASSERT_TRUE(tree.is_sequence(list));
  EXPECT_EQ(tree.line(list), 3);  // the sequence starts at its first item
  ASSERT_EQ(tree.size(list), 2u);
  EXPECT_EQ(tree.scalar(tree.item(list, 0)), "a");
  EXPECT_EQ(tree.line(tree.item(list, 0)), 3);
  EXPECT_EQ(tree.scalar(tree.Find(tree.item(list, 1), "x")), "1");
  EXPECT_EQ(tree.kind(tree.Find(root, "empty")), Kind::kNull);
  EXPECT_EQ(tree.Find(root, "missing"), YamlTree::kNoNode);
  EXPECT_EQ(tree.item(list, 2), YamlTree::kNoNode);
  // Accessors on kNoNode answer as for an absent node.
  EXPECT_EQ(tree.size(YamlTree::kNoNode), 0u);
  EXPECT_EQ(tree.scalar(YamlTree::kNoNode), "");
  EXPECT_EQ(tree.Find(YamlTree::kNoNode, "x"), YamlTree::kNoNode);
}

TEST(YamlTree, JsonIsYaml) {
  const YamlTree tree = ParseAll(
      "{\n\t\"swagger\": \"2.0\",\n\t\"paths\": {\"/a\\/b\": {\"get\": {}}},\n"
      "\t\"n\": [1, 2.5, true, null]\n}\n");
  const auto paths = tree.Find(tree.root(), "paths");
  ASSERT_EQ(tree.size(paths), 1u);
  EXPECT_EQ(tree.scalar(tree.key_at(paths, 0)), "/a/b");  // JSON's \/ escape
  const auto n = tree.Find(tree.root(), "n");
  ASSERT_EQ(tree.size(n), 4u);
  EXPECT_EQ(tree.scalar(tree.item(n, 1)), "2.5");
  EXPECT_EQ(tree.kind(tree.item(n, 3)), Kind::kNull);
}

TEST(YamlTree, PolicyDropsWhatItSkipsWithItsKey) {
  const YamlTree tree = YamlTree::Parse(
      "big: {a: [1, 2, 3], b: {c: d}}\n"
      "keep: {x: [y, z]}\n"
      "other: text\n",
      KeepOnlyKeepKey());
  const auto root = tree.root();
  ASSERT_EQ(tree.size(root), 1u);  // the skipped values' keys are gone too
  EXPECT_EQ(tree.scalar(tree.key_at(root, 0)), "keep");
  EXPECT_EQ(tree.size(tree.Find(tree.Find(root, "keep"), "x")), 2u);
  // root map, key, value map, key, sequence, two items
  EXPECT_EQ(tree.node_count(), 7u);
}

TEST(YamlTree, AnchorsInSkippedPartsStayUsable) {
  const YamlTree tree = YamlTree::Parse(
      "defs:\n"
      "  common: &common {name: limit, in: query}\n"
      "  label: &label hello\n"
      "keep:\n"
      "  param: *common\n"
      "  text: *label\n",
      KeepOnlyKeepKey());
  const auto keep = tree.Find(tree.root(), "keep");
  const auto param = tree.Find(keep, "param");
  EXPECT_EQ(tree.scalar(tree.Find(param, "name")), "limit");
  EXPECT_EQ(tree.scalar(tree.Find(keep, "text")), "hello");
  EXPECT_EQ(tree.Find(tree.root(), "defs"), YamlTree::kNoNode);
}

TEST(YamlTree, AliasAsKey) {
  const YamlTree tree = ParseAll("a: &k name\nm: {*k : value}\n");
  EXPECT_EQ(tree.scalar(tree.Find(tree.Find(tree.root(), "m"), "name")), "value");
}

TEST(YamlTree, ComplexKeysAreDroppedWithTheirValue) {
  const YamlTree tree = ParseAll("? [a, b]\n: skipped\nplain: kept\n");
  ASSERT_EQ(tree.size(tree.root()), 1u);
  EXPECT_EQ(tree.scalar(tree.Find(tree.root(), "plain")), "kept");
}

TEST(YamlTree, AliasBombCostsNothing) {
  // Billion laughs: expanded, this would be 10^9 strings.
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const YamlTree tree = ParseAll(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(tree.node_count(), 64u);
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  const auto top = tree.Find(tree.root(), "a9");
  ASSERT_EQ(tree.size(top), 10u);
  EXPECT_EQ(tree.item(top, 0), tree.Find(tree.root(), "a8"));  // shared, not copied
}

TEST(YamlTree, SelfReferencingAliasMakesACycleNotACrash) {
  const YamlTree tree = ParseAll("a: &a [x, *a]\n");
  const auto a = tree.Find(tree.root(), "a");
  ASSERT_EQ(tree.size(a), 2u);
  EXPECT_EQ(tree.item(a, 1), a);
}

TEST(YamlTree, DeepNestingIsRefusedWithItsLine) {
  YamlLimits limits;
  limits.max_depth = 32;
  try {
    ParseAll(std::string(100000, '['), limits);
    FAIL() << "no error";
  } catch (const YamlError& e) {
    EXPECT_EQ(std::string(e.what()), "nesting deeper than 32 levels");
    EXPECT_EQ(e.line(), 1);
  }
  std::string block;
  for (int i = 0; i < 40; ++i) block += std::string(static_cast<size_t>(i) * 2, ' ') + "k:\n";
  EXPECT_THROW(ParseAll(block, limits), YamlError);
  // Default limits: deep flow nesting and compact block sequences both refused, not crashed.
  EXPECT_THROW(ParseAll(std::string(100000, '[')), YamlError);
  std::string dashes;
  for (int i = 0; i < 100000; ++i) dashes += "- ";
  EXPECT_THROW(ParseAll(dashes + "x\n"), YamlError);
  // Just under the limit is fine.
  limits.max_depth = 8;
  EXPECT_NO_THROW(ParseAll("[[[[[[[[x]]]]]]]]", limits));
  EXPECT_THROW(ParseAll("[[[[[[[[[x]]]]]]]]]", limits), YamlError);
}

TEST(YamlTree, KeyPositionFlowCollectionsAreCapped) {
  YamlLimits limits;
  limits.max_key_flow_bytes = 1000;
  std::string items;
  for (int i = 0; i < 200; ++i) items += "{a: b},\n";
  // After "- " or at the start of a line a flow collection may be a key: capped.
  EXPECT_THROW(ParseAll("- [" + items + "]\n", limits), YamlError);
  EXPECT_THROW(ParseAll("x: 1\n[" + items + "]: y\n", limits), YamlError);
  EXPECT_THROW(ParseAll("x: [[" + items + "]]\n", limits), YamlError);  // an item can be a key
  EXPECT_THROW(ParseAll("- &anchor [" + items + "]\n", limits), YamlError);
  EXPECT_THROW(ParseAll("- [" + items, limits), YamlError);  // unclosed to the end
  // As a mapping value it cannot be a key: any size.
  const YamlTree value = ParseAll("x: [" + items + "]\n", limits);
  EXPECT_EQ(value.size(value.Find(value.root(), "x")), 200u);
  // JSON goes through another reader: no such cap.
  std::string json = "[";
  for (int i = 0; i < 200; ++i) json += "{\"a\": \"b\"},\n";
  EXPECT_EQ(ParseAll(json + "1]", limits).size(0), 201u);
}

TEST(YamlTree, PrescanIgnoresBracketsInTextQuotesCommentsAndBlockScalars) {
  YamlLimits limits;
  limits.max_depth = 4;
  limits.max_key_flow_bytes = 100;
  const std::string filler(500, 'x');
  const std::string text =
      "a: see [1] and [2\n"
      "b: \"[[[[[[\"\n"
      "c: '[[[[['' [[[['\n"
      "# [[[[[[[[[[\n"
      "d: |\n"
      "  [[[[[[ unbalanced, at line starts\n"
      "  [[[[[[\n"
      "\n"
      "  {{{{{{\n"
      "- e: >-\n"
      "    [[[[[[\n"
      "f: [[[x]]]\n"
      "g: " +
      filler + "\n";
  // Only the shape matters here (the document mixes a mapping and a sequence, so yaml-cpp
  // rejects it afterwards): the pre-scan must not be the one to complain.
  try {
    ParseAll(text, limits);
  } catch (const YamlError& e) {
    EXPECT_EQ(std::string(e.what()).find("nesting"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("flow collection"), std::string::npos) << e.what();
  }
  const std::string valid =
      "d: |\n"
      "  [[[[[[ unbalanced\n"
      "e: [[[x]]]\n"
      "g: " +
      filler + "\n";
  EXPECT_EQ(ParseAll(valid, limits).scalar(ParseAll(valid, limits).Find(0, "g")), filler);
}

TEST(YamlTree, NodeAndTextCaps) {
  YamlLimits limits;
  limits.max_nodes = 100;
  std::string list = "[";
  for (int i = 0; i < 200; ++i) list += "1,";
  list += "1]";
  EXPECT_THROW(ParseAll(list, limits), YamlError);
  limits = YamlLimits{};
  limits.max_scalar_bytes = 1000;
  EXPECT_THROW(ParseAll("a: " + std::string(2000, 'x') + "\n", limits), YamlError);
  EXPECT_NO_THROW(ParseAll("a: " + std::string(900, 'x') + "\n", limits));
}

TEST(YamlTree, SyntaxErrorsCarryLineAndColumn) {
  try {
    ParseAll("a: 1\nb: [1, 2\nc: 3\n");
    FAIL() << "no error";
  } catch (const YamlError& e) {
    EXPECT_GT(e.line(), 1);
    EXPECT_GT(e.column(), 0);
    EXPECT_FALSE(std::string(e.what()).empty());
  }
}

TEST(YamlTree, EmptyTextAndOnlyTheFirstDocument) {
  EXPECT_TRUE(ParseAll("").empty());
  EXPECT_TRUE(ParseAll("# only a comment\n").empty());
  const YamlTree tree = ParseAll("a: 1\n---\nb: 2\n");
  EXPECT_EQ(tree.scalar(tree.Find(tree.root(), "a")), "1");
  EXPECT_EQ(tree.Find(tree.root(), "b"), YamlTree::kNoNode);
}

TEST(YamlTree, ScalarRootAndBytesOutsideUtf8) {
  const YamlTree tree = ParseAll("just text");
  EXPECT_EQ(tree.scalar(tree.root()), "just text");
  // Either a tree or a YamlError: nothing else escapes.
  const std::string inputs[] = {std::string("a: \xff\xfe\x00z", 7),
                                std::string("\xff\xfe\x00"
                                            "a\x00:",
                                            6),
                                "\xef\xbb\xbf"
                                "a: b",
                                "a: \"\\x\"", "\xef\xbb\xbf{\"a\": 1}"};
  for (const std::string& text : inputs) {
    try {
      ParseAll(text);
    } catch (const YamlError&) {
    }
  }
}

}  // namespace
}  // namespace apisensor::openapi
