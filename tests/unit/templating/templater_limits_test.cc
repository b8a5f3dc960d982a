// Caps, their counters, and garbage input: memory and templates stay bounded whatever arrives.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <string_view>

#include "agent/templating/path_templater.h"

namespace apisensor::templating {
namespace {

std::string Observe(PathTemplater& t, std::string_view path) {
  return std::string(t.Observe(path));
}

bool PrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

TEST(TemplaterLimitsTest, NodeCapStopsLearningAndCollapsesUnknownLiterals) {
  TemplaterLimits limits;
  limits.max_nodes = 6;  // root + 5
  PathTemplater t(limits);
  EXPECT_EQ(Observe(t, "/a/b/c"), "/a/b/c");
  EXPECT_EQ(Observe(t, "/a/x"), "/a/x");
  EXPECT_EQ(t.node_count(), 5u);
  EXPECT_EQ(Observe(t, "/a/y/z/12"), "/a/y/{param}/{id}");
  EXPECT_EQ(t.node_count(), 6u);
  EXPECT_EQ(t.stats().node_cap_hits, 1u);
  EXPECT_EQ(Observe(t, "/q/ada@example.com"), "/{param}/{email}");
  EXPECT_EQ(t.stats().node_cap_hits, 2u);
  // Known paths still resolve, and do not count.
  EXPECT_EQ(Observe(t, "/a/b/c"), "/a/b/c");
  EXPECT_EQ(t.stats().node_cap_hits, 2u);
  EXPECT_EQ(t.Lookup("/other/thing"), "/{param}/{param}");
  EXPECT_EQ(t.node_count(), 6u);
}

TEST(TemplaterLimitsTest, ChildrenCapSendsNewLiteralsToParam) {
  TemplaterLimits limits;
  limits.max_children_per_node = 8;
  limits.cardinality_threshold = 1000;  // only the cap acts
  PathTemplater t(limits);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(Observe(t, "/files/name" + std::string(1, 'a' + i)),
              "/files/name" + std::string(1, 'a' + i));
  }
  EXPECT_EQ(t.stats().children_cap_hits, 0u);
  EXPECT_EQ(Observe(t, "/files/namez"), "/files/{param}");
  EXPECT_EQ(Observe(t, "/files/namey"), "/files/{param}");
  EXPECT_EQ(t.stats().children_cap_hits, 2u);
  EXPECT_EQ(Observe(t, "/files/namea"), "/files/namea") << "existing names keep theirs";
  EXPECT_EQ(Observe(t, "/files/42"), "/files/{id}") << "classified values are not capped";
  EXPECT_EQ(t.Lookup("/files/namex"), "/files/{param}");
  EXPECT_EQ(t.generation(), 0u) << "the cap changes no earlier template";
  EXPECT_EQ(t.stats().merges, 0u);
}

TEST(TemplaterLimitsTest, DepthCapEndsInATail) {
  TemplaterLimits limits;
  limits.max_depth = 4;
  PathTemplater t(limits);
  EXPECT_EQ(Observe(t, "/a/b/c/d"), "/a/b/c/d");
  EXPECT_EQ(t.stats().depth_cap_hits, 0u);
  EXPECT_EQ(Observe(t, "/a/b/c/d/e/f/g"), "/a/b/c/d/{...}");
  EXPECT_EQ(Observe(t, "/a/b/c/d/other"), "/a/b/c/d/{...}");
  EXPECT_EQ(t.stats().depth_cap_hits, 2u);
  EXPECT_EQ(t.Lookup("/a/b/c/d/{...}"), "/a/b/c/d/{...}");
  EXPECT_EQ(t.Lookup("/a/b/c/d/e"), "/a/b/c/d/{...}");
  EXPECT_EQ(t.node_count(), 5u);
}

TEST(TemplaterLimitsTest, LongSegmentsAreNeverLiterals) {
  TemplaterLimits limits;
  limits.max_segment_bytes = 16;
  PathTemplater t(limits);
  EXPECT_EQ(Observe(t, "/doc/" + std::string(40, 'w')), "/doc/{param}");
  EXPECT_EQ(Observe(t, "/doc/" + std::string(17, 'w')), "/doc/{param}");
  EXPECT_EQ(Observe(t, "/doc/" + std::string(16, 'w')), "/doc/" + std::string(16, 'w'));
  EXPECT_EQ(Observe(t, "/blob/da39a3ee5e6b4b0d3255bfef95601890afd80709"), "/blob/{id}");
  EXPECT_EQ(t.stats().long_segments, 3u);
}

TEST(TemplaterLimitsTest, GarbageInputs) {
  PathTemplater t;
  EXPECT_EQ(Observe(t, ""), "/");
  EXPECT_EQ(Observe(t, "/"), "/");
  EXPECT_EQ(Observe(t, "//"), "/");
  EXPECT_EQ(Observe(t, "/./.././../"), "/");
  EXPECT_EQ(Observe(t, "?"), "/");
  EXPECT_EQ(Observe(t, "no-leading-slash"), "/no-leading-slash");
  EXPECT_EQ(Observe(t, std::string("/nul\0byte/1", 11)), "/nul%00byte/{id}");
  EXPECT_EQ(Observe(t, "/bad\xff\xfe/\xc3"), "/bad%FF%FE/%C3");
  EXPECT_EQ(Observe(t, "/%%%/%zz%"), "/%25%25%25/%25zz%25");
  EXPECT_EQ(Observe(t, "/*"), "/*");
  const std::string huge = "/" + std::string(1 << 20, 'a');
  EXPECT_EQ(Observe(t, huge), "/{param}");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "/x";
  EXPECT_EQ(Observe(t, deep).size(), std::string_view("/x").size() * 32 + 6);
  std::string ups;
  for (int i = 0; i < 10000; ++i) ups += "/a/..";
  EXPECT_EQ(Observe(t, ups + "/b"), "/b");
}

// Random bytes, random structure: nothing crashes, the node cap holds, memory stays bounded
// and every template is printable ASCII of bounded length starting with '/'.
TEST(TemplaterLimitsTest, RandomGarbageStaysBounded) {
  TemplaterLimits limits;
  limits.max_nodes = 2000;
  PathTemplater t(limits);
  std::mt19937 rng(99);
  const std::string_view pieces[] = {"/",  "/",   "/",   "//",        ".",         "..",    "%",
                                     "%2", "%2F", "%00", "a",         "b",         "users", "v1",
                                     "1",  "ff",  "@",   ";",         "?",         "{id}",  "\xff",
                                     "\0", "-",   "_",   "x.y@z.com", "2024-01-01"};
  size_t max_memory = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string path;
    const int n = 1 + rng() % 30;
    for (int k = 0; k < n; ++k) {
      if (rng() % 4 == 0) {
        path.push_back(static_cast<char>(rng() % 256));
      } else {
        const std::string_view p = pieces[rng() % std::size(pieces)];
        path.append(p.data(), p == std::string_view("\0", 1) ? 1 : p.size());
      }
    }
    const std::string_view tmpl = t.Observe(path);
    ASSERT_FALSE(tmpl.empty());
    ASSERT_EQ(tmpl.front(), '/');
    ASSERT_TRUE(PrintableAscii(tmpl)) << tmpl;
    ASSERT_LE(tmpl.size(), limits.max_depth * (limits.max_segment_bytes + 1) + 6);
    ASSERT_LE(t.node_count(), limits.max_nodes);
    max_memory = std::max(max_memory, t.MemoryBytes());
    // Re-keying is stable: the template of a template is itself.
    if (i % 97 == 0) {
      ASSERT_EQ(t.Lookup(tmpl), tmpl) << path;
    }
  }
  EXPECT_LT(max_memory, 400u * 1024);
}

// A steady service keeps a steady trie: merges fold nodes, and churn through distinct values
// does not grow memory once the templates are learned.
TEST(TemplaterLimitsTest, HighCardinalityTrafficDoesNotGrowMemory) {
  PathTemplater t;
  std::mt19937 rng(5);
  auto random_word = [&] {
    std::string w;
    for (int k = 0; k < 8; ++k) w.push_back(static_cast<char>('a' + rng() % 26));
    return w;
  };
  for (int i = 0; i < 2000; ++i) {
    Observe(t, "/v1/" + random_word() + "/orders/" + std::to_string(rng()));
    Observe(t, "/search/" + random_word());
  }
  const size_t memory = t.MemoryBytes();
  const size_t nodes = t.node_count();
  for (int i = 0; i < 20000; ++i) {
    EXPECT_EQ(Observe(t, "/v1/" + random_word() + "/orders/" + std::to_string(rng())),
              "/v1/{param}/orders/{id}");
    EXPECT_EQ(Observe(t, "/search/" + random_word()), "/search/{param}");
  }
  EXPECT_EQ(t.MemoryBytes(), memory);
  EXPECT_EQ(t.node_count(), nodes);
  EXPECT_LT(nodes, 60u);
}

TEST(TemplaterLimitsTest, LimitsAreClamped) {
  TemplaterLimits limits;
  limits.cardinality_threshold = 0;
  limits.max_nodes = 0;
  limits.max_children_per_node = 0;
  limits.max_depth = 0;
  limits.max_segment_bytes = 0;
  PathTemplater t(limits);
  EXPECT_EQ(t.limits().cardinality_threshold, 1u);
  EXPECT_EQ(t.limits().max_nodes, 1u);
  EXPECT_EQ(t.limits().max_depth, 1u);
  EXPECT_EQ(t.limits().max_segment_bytes, 8u);
  EXPECT_EQ(Observe(t, "/a/b"), "/{param}/{...}");
  EXPECT_EQ(t.node_count(), 1u);
}

}  // namespace
}  // namespace apisensor::templating
