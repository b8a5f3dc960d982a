#include "agent/openapi/path_index.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "agent/openapi/path_template.h"

namespace apisensor::openapi {
namespace {

constexpr uint32_t kNone = PathIndex::kNone;

// Template text of the match for (method, path), "-" when no path matched, with "?" appended
// when the path matched without the method.
std::string Matched(const PathIndex& index, std::string_view method, std::string_view path) {
  const PathIndex::Match m = index.Find(method, path);
  if (!m.path_matched) return "-";
  return std::string(m.template_path) + (m.value == kNone ? "?" : "");
}

TEST(PathTemplate, Segments) {
  std::string error;
  const auto parsed = ParseTemplate("/v1/files/{name}.json/{id}/x{a}-{b}y/", 64, 4096, &error);
  ASSERT_TRUE(parsed) << error;
  ASSERT_EQ(parsed->segments.size(), 5u);
  EXPECT_EQ(parsed->segments[0].kind, TemplateSegment::Kind::kLiteral);
  EXPECT_EQ(parsed->segments[0].literal, "v1");
  EXPECT_EQ(parsed->segments[2].kind, TemplateSegment::Kind::kPattern);
  EXPECT_EQ(parsed->segments[2].pieces, (std::vector<std::string>{"", ".json"}));
  EXPECT_EQ(parsed->segments[3].kind, TemplateSegment::Kind::kParameter);
  EXPECT_EQ(parsed->segments[4].pieces, (std::vector<std::string>{"x", "-", "y"}));
  EXPECT_EQ(parsed->parameter_names, (std::vector<std::string>{"name", "id", "a", "b"}));
  EXPECT_TRUE(ParseTemplate("/", 64, 4096, &error)->segments.empty());

  EXPECT_FALSE(ParseTemplate("/a/{b", 64, 4096, &error));
  EXPECT_EQ(error, "'{' without '}'");
  EXPECT_FALSE(ParseTemplate("/a/b}", 64, 4096, &error));
  EXPECT_FALSE(ParseTemplate("/a/{}", 64, 4096, &error));
  EXPECT_FALSE(ParseTemplate("/a/{b{c}}", 64, 4096, &error));
  EXPECT_FALSE(ParseTemplate("/a/b/c", 2, 4096, &error));
  EXPECT_EQ(error, "more than 2 segments");
  EXPECT_FALSE(ParseTemplate("/abcdef", 64, 4, &error));
}

TEST(PathTemplate, PatternMatching) {
  const std::vector<std::string> json = {"", ".json"};
  EXPECT_TRUE(MatchesPattern(json, "report.json"));
  EXPECT_TRUE(MatchesPattern(json, "a.b.json"));
  EXPECT_FALSE(MatchesPattern(json, ".json"));  // the parameter must not be empty
  EXPECT_FALSE(MatchesPattern(json, "report.jsonx"));
  const std::vector<std::string> version = {"v", ""};
  EXPECT_TRUE(MatchesPattern(version, "v2"));
  EXPECT_FALSE(MatchesPattern(version, "v"));
  EXPECT_FALSE(MatchesPattern(version, "x2"));
  const std::vector<std::string> two = {"x", "-", "y"};
  EXPECT_TRUE(MatchesPattern(two, "xa-by"));
  EXPECT_TRUE(MatchesPattern(two, "xa-b-cy"));
  EXPECT_FALSE(MatchesPattern(two, "x-by"));
  EXPECT_FALSE(MatchesPattern(two, "xa-y"));
  EXPECT_FALSE(MatchesPattern(two, "xy"));
  const std::vector<std::string> adjacent = {"", "", ""};  // "{a}{b}"
  EXPECT_TRUE(MatchesPattern(adjacent, "ab"));
  EXPECT_FALSE(MatchesPattern(adjacent, "a"));
}

TEST(PathTemplate, SplitPath) {
  std::array<std::string_view, 4> out;
  EXPECT_EQ(SplitPath("/", out), 0u);
  EXPECT_EQ(SplitPath("", out), 0u);
  ASSERT_EQ(SplitPath("/a/b/", out), 2u);
  EXPECT_EQ(out[1], "b");
  ASSERT_EQ(SplitPath("/a//b", out), 3u);
  EXPECT_EQ(out[1], "");
  EXPECT_EQ(SplitPath("/a/b?x=/c/d/e/f", out), 2u);
  EXPECT_FALSE(SplitPath("/a/b/c/d/e", out));
}

class PathIndexTest : public ::testing::Test {
 protected:
  void Add(std::string_view method, std::string_view path) {
    ASSERT_EQ(index_.Add(method, path, next_++), PathIndex::AddResult::kAdded) << path;
  }
  PathIndex index_;
  uint32_t next_ = 0;
};

TEST_F(PathIndexTest, LiteralsBeatParametersSegmentBySegment) {
  Add("GET", "/pets/{petId}");
  Add("GET", "/pets/mine");
  Add("GET", "/users/{id}/posts");
  Add("GET", "/users/me/{tab}");
  EXPECT_EQ(Matched(index_, "GET", "/pets/mine"), "/pets/mine");
  EXPECT_EQ(Matched(index_, "GET", "/pets/42"), "/pets/{petId}");
  EXPECT_EQ(Matched(index_, "GET", "/pets/mine2"), "/pets/{petId}");
  // The leftmost literal wins.
  EXPECT_EQ(Matched(index_, "GET", "/users/me/posts"), "/users/me/{tab}");
  EXPECT_EQ(Matched(index_, "GET", "/users/7/posts"), "/users/{id}/posts");
}

TEST_F(PathIndexTest, BacktracksWhenTheLiteralBranchDeadEnds) {
  Add("GET", "/a/b/c");
  Add("GET", "/a/{x}/d");
  EXPECT_EQ(Matched(index_, "GET", "/a/b/d"), "/a/{x}/d");
  EXPECT_EQ(Matched(index_, "GET", "/a/b/c"), "/a/b/c");
  EXPECT_EQ(Matched(index_, "GET", "/a/b/e"), "-");
}

TEST_F(PathIndexTest, PatternsInsideASegment) {
  Add("GET", "/files/{name}.json");
  Add("GET", "/files/{name}");
  Add("GET", "/files/{name}.tar.gz");
  Add("GET", "/v{major}/status");
  Add("GET", "/files/index.json");
  EXPECT_EQ(Matched(index_, "GET", "/files/index.json"), "/files/index.json");
  EXPECT_EQ(Matched(index_, "GET", "/files/report.json"), "/files/{name}.json");
  EXPECT_EQ(Matched(index_, "GET", "/files/a.tar.gz"), "/files/{name}.tar.gz");  // longer literal
  EXPECT_EQ(Matched(index_, "GET", "/files/report.xml"), "/files/{name}");
  EXPECT_EQ(Matched(index_, "GET", "/files/.json"), "/files/{name}");
  EXPECT_EQ(Matched(index_, "GET", "/v2/status"), "/v{major}/status");
  EXPECT_EQ(Matched(index_, "GET", "/v/status"), "-");
  EXPECT_EQ(Matched(index_, "GET", "/x2/status"), "-");
}

TEST_F(PathIndexTest, ParametersNeedOneNonEmptySegment) {
  Add("GET", "/pets/{petId}");
  EXPECT_EQ(Matched(index_, "GET", "/pets/1"), "/pets/{petId}");
  EXPECT_EQ(Matched(index_, "GET", "/pets"), "-");
  EXPECT_EQ(Matched(index_, "GET", "/pets/"), "-");  // a trailing slash is not a segment
  EXPECT_EQ(Matched(index_, "GET", "/pets//"), "-");
  EXPECT_EQ(Matched(index_, "GET", "/pets/1/2"), "-");
  EXPECT_EQ(Matched(index_, "GET", "/pets/a%2Fb"), "/pets/{petId}");  // encoded slash stays
}

TEST_F(PathIndexTest, TrailingSlashTolerantBothWays) {
  Add("GET", "/a/b");
  Add("GET", "/c/");
  Add("GET", "/");
  EXPECT_EQ(Matched(index_, "GET", "/a/b/"), "/a/b");
  EXPECT_EQ(Matched(index_, "GET", "/c"), "/c/");
  EXPECT_EQ(Matched(index_, "GET", "/"), "/");
  EXPECT_EQ(Matched(index_, "GET", ""), "/");
  EXPECT_EQ(Matched(index_, "GET", "/a"), "-");  // a prefix is not a match
  EXPECT_EQ(Matched(index_, "GET", "/a/b/c"), "-");
  EXPECT_EQ(Matched(index_, "GET", "/A/B"), "-");  // paths are case-sensitive
}

TEST_F(PathIndexTest, MethodsAndPathOnlyMatches) {
  Add("GET", "/pets/mine");
  Add("DELETE", "/pets/{id}");
  Add("PATCH", "/pets/{id}");
  EXPECT_EQ(Matched(index_, "GET", "/pets/mine"), "/pets/mine");
  // The concrete path lacks DELETE: the templated one that has it answers.
  EXPECT_EQ(Matched(index_, "DELETE", "/pets/mine"), "/pets/{id}");
  // Nobody declares PUT: the best path matches without a value.
  EXPECT_EQ(Matched(index_, "PUT", "/pets/mine"), "/pets/mine?");
  EXPECT_EQ(Matched(index_, "PUT", "/pets/7"), "/pets/{id}?");
  EXPECT_EQ(Matched(index_, "get", "/pets/mine"), "/pets/mine?");  // methods are case-sensitive
  EXPECT_EQ(Matched(index_, "PROPFIND", "/pets/7"), "/pets/{id}?");
  EXPECT_EQ(Matched(index_, "PUT", "/dogs"), "-");
  const PathIndex::Match m = index_.Find("PATCH", "/pets/3");
  EXPECT_EQ(m.value, 2u);
}

TEST_F(PathIndexTest, AllEightMethods) {
  for (size_t i = 0; i < kMethodCount; ++i) Add(MethodName(i), "/x");
  for (size_t i = 0; i < kMethodCount; ++i) {
    EXPECT_EQ(index_.Find(MethodName(i), "/x").value, i) << MethodName(i);
  }
  EXPECT_EQ(MethodIndex("CONNECT"), std::nullopt);
}

TEST_F(PathIndexTest, DuplicatesAndInvalidTemplates) {
  Add("GET", "/pets/{id}");
  EXPECT_EQ(index_.Add("GET", "/pets/{petId}/", 99), PathIndex::AddResult::kDuplicate);
  EXPECT_EQ(index_.Find("GET", "/pets/1").value, 0u);  // the first one stays
  std::string error;
  EXPECT_EQ(index_.Add("CONNECT", "/x", 1, &error), PathIndex::AddResult::kInvalid);
  EXPECT_EQ(index_.Add("GET", "/x/{", 1, &error), PathIndex::AddResult::kInvalid);
  EXPECT_EQ(error, "'{' without '}'");
  EXPECT_EQ(index_.template_count(), 1u);
}

TEST_F(PathIndexTest, EmptyIndexAndOverlongPaths) {
  EXPECT_EQ(Matched(index_, "GET", "/"), "-");
  Add("GET", "/{a}");
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "/x";
  EXPECT_EQ(Matched(index_, "GET", deep), "-");
}

}  // namespace
}  // namespace apisensor::openapi
