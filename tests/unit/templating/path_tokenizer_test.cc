#include "agent/templating/path_tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace apisensor::templating {
namespace {

std::vector<std::string> Segments(std::string_view path,
                                  PathTokenizer::Mode mode = PathTokenizer::Mode::kRequestPath,
                                  size_t max_depth = 32, size_t max_segment_bytes = 256) {
  PathTokenizer tokenizer(max_depth, max_segment_bytes);
  tokenizer.Tokenize(path, mode);
  std::vector<std::string> out;
  for (const PathSegment& s : tokenizer.segments()) {
    out.emplace_back(s.token == EdgeKind::kLiteral ? s.text : TokenText(s.token));
  }
  return out;
}

using V = std::vector<std::string>;

TEST(PathTokenizerTest, SlashesCollapseAndTrailingSlashIsIgnored) {
  EXPECT_EQ(Segments("/users/42"), (V{"users", "42"}));
  EXPECT_EQ(Segments("//users///42//"), (V{"users", "42"}));
  EXPECT_EQ(Segments("users/42"), (V{"users", "42"}));
  EXPECT_EQ(Segments("/"), V{});
  EXPECT_EQ(Segments(""), V{});
  EXPECT_EQ(Segments("////"), V{});
}

TEST(PathTokenizerTest, QueryFragmentAndAbsoluteFormAreDropped) {
  EXPECT_EQ(Segments("/a/b?x=/c/d"), (V{"a", "b"}));
  EXPECT_EQ(Segments("/a#frag/x"), (V{"a"}));
  EXPECT_EQ(Segments("http://api.example.com:8080/v1/users"), (V{"v1", "users"}));
  EXPECT_EQ(Segments("HTTPS://api.example.com"), V{});
  EXPECT_EQ(Segments("?only=query"), V{});
}

TEST(PathTokenizerTest, DotSegmentsResolveAfterDecoding) {
  EXPECT_EQ(Segments("/a/./b/../c"), (V{"a", "c"}));
  EXPECT_EQ(Segments("/../../etc/passwd"), (V{"etc", "passwd"}));
  EXPECT_EQ(Segments("/a/%2e%2E/b/%2e"), (V{"b"}));
  // Three dots is a name.
  EXPECT_EQ(Segments("/a/.../b"), (V{"a", "...", "b"}));
}

TEST(PathTokenizerTest, PercentEncodingIsCanonical) {
  EXPECT_EQ(Segments("/%7euser/%41bc"), (V{"~user", "Abc"}));
  EXPECT_EQ(Segments("/caf%c3%a9"), (V{"caf%C3%A9"}));
  EXPECT_EQ(Segments("/caf\xc3\xa9"), (V{"caf%C3%A9"}));
  // An encoded slash stays inside its segment.
  EXPECT_EQ(Segments("/a%2Fb/c"), (V{"a%2Fb", "c"}));
  // Broken escapes: the '%' itself is escaped.
  EXPECT_EQ(Segments("/100%/a%zz/%4"), (V{"100%25", "a%25zz", "%254"}));
  EXPECT_EQ(Segments("/john%40example.com"), (V{"john@example.com"}));
  EXPECT_EQ(Segments("/a b/{x}"), (V{"a%20b", "%7Bx%7D"}));
}

TEST(PathTokenizerTest, CanonicalFormIsAFixedPoint) {
  for (std::string_view path :
       {"/caf%c3%a9/100%/a%2fb/\x01\xff/%00", "/a%3bb/%3f%23/%7Bid%7D/%2e%2e%2e"}) {
    PathTokenizer first(32, 256);
    first.Tokenize(path, PathTokenizer::Mode::kRequestPath);
    std::string joined;
    for (const PathSegment& s : first.segments()) {
      joined += '/';
      joined += s.text;
    }
    EXPECT_EQ(Segments(joined), Segments(path));
  }
}

TEST(PathTokenizerTest, NulAndControlBytesAreEscaped) {
  const std::string path("/a\0b/\x7f\n", 7);
  EXPECT_EQ(Segments(path), (V{"a%00b", "%7F%0A"}));
}

TEST(PathTokenizerTest, MatrixParametersAreDropped) {
  EXPECT_EQ(Segments("/login;jsessionid=ABC123/x"), (V{"login", "x"}));
  EXPECT_EQ(Segments("/;a/b"), (V{"b"}));
  // An escaped ';' is data and stays escaped, so the canonical form survives a second pass.
  EXPECT_EQ(Segments("/a%3bb"), (V{"a%3Bb"}));
  EXPECT_EQ(Segments("/a%3Bb"), (V{"a%3Bb"}));
}

TEST(PathTokenizerTest, DepthCapKeepsThePrefixAndSaysSo) {
  PathTokenizer tokenizer(3, 256);
  tokenizer.Tokenize("/a/b/c/d/e", PathTokenizer::Mode::kRequestPath);
  ASSERT_EQ(tokenizer.segments().size(), 3u);
  EXPECT_EQ(tokenizer.segments()[2].text, "c");
  EXPECT_TRUE(tokenizer.too_deep());
  // ".." after dropped segments removes them, not a kept one.
  tokenizer.Tokenize("/a/b/c/d/../e/..", PathTokenizer::Mode::kRequestPath);
  EXPECT_EQ(tokenizer.segments().size(), 3u);
  EXPECT_FALSE(tokenizer.too_deep());
  tokenizer.Tokenize("/a/b/c/d/../../x", PathTokenizer::Mode::kRequestPath);
  ASSERT_EQ(tokenizer.segments().size(), 3u);
  EXPECT_EQ(tokenizer.segments()[2].text, "x");
  EXPECT_FALSE(tokenizer.too_deep());
}

TEST(PathTokenizerTest, LongSegmentsAreTruncatedAndMarked) {
  PathTokenizer tokenizer(32, 16);
  const std::string long_segment(100, 'a');
  tokenizer.Tokenize("/x/" + long_segment + "/y", PathTokenizer::Mode::kRequestPath);
  ASSERT_EQ(tokenizer.segments().size(), 3u);
  EXPECT_EQ(tokenizer.segments()[1].text, std::string(16, 'a'));
  EXPECT_TRUE(tokenizer.segments()[1].truncated);
  EXPECT_FALSE(tokenizer.segments()[0].truncated);
  // Escapes count with their canonical width.
  tokenizer.Tokenize("/" + std::string(6, ' '), PathTokenizer::Mode::kRequestPath);
  EXPECT_EQ(tokenizer.segments()[0].text, "%20%20%20%20%20");
  EXPECT_TRUE(tokenizer.segments()[0].truncated);
  tokenizer.Tokenize("/" + std::string(16, 'b'), PathTokenizer::Mode::kRequestPath);
  EXPECT_FALSE(tokenizer.segments()[0].truncated);
}

TEST(PathTokenizerTest, TemplateModeReadsTokens) {
  EXPECT_EQ(Segments("/users/{id}/x/{param}/{date}/{email}", PathTokenizer::Mode::kTemplate),
            (V{"users", "{id}", "x", "{param}", "{date}", "{email}"}));
  // In a request path the same bytes are an (escaped) literal.
  EXPECT_EQ(Segments("/users/{id}"), (V{"users", "%7Bid%7D"}));
  PathTokenizer tokenizer(32, 256);
  tokenizer.Tokenize("/a/{...}/ignored", PathTokenizer::Mode::kTemplate);
  EXPECT_EQ(tokenizer.segments().size(), 1u);
  EXPECT_TRUE(tokenizer.too_deep());
  // ".." after a token removes the token.
  EXPECT_EQ(Segments("/a/{id}/../b", PathTokenizer::Mode::kTemplate), (V{"a", "b"}));
}

}  // namespace
}  // namespace apisensor::templating
