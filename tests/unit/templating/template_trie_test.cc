#include "agent/templating/template_trie.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace apisensor::templating {
namespace {

constexpr uint32_t kNone = TemplateTrie::kNone;
constexpr uint32_t kRoot = TemplateTrie::kRoot;

// Walks the trie from the root and checks that child lists, the edge table, parent links and
// literal counts agree; returns the number of reachable nodes.
size_t CheckInvariants(const TemplateTrie& trie, uint32_t node = kRoot) {
  size_t reachable = 1;
  uint32_t literals = 0;
  for (uint32_t c = trie.first_child(node); c != kNone; c = trie.next_sibling(c)) {
    EXPECT_EQ(trie.parent(c), node);
    EXPECT_EQ(trie.Find(node, trie.kind(c), trie.label(c)), c);
    if (trie.kind(c) == EdgeKind::kLiteral) {
      ++literals;
    } else {
      EXPECT_TRUE(trie.label(c).empty());
    }
    reachable += CheckInvariants(trie, c);
  }
  EXPECT_EQ(trie.literal_children(node), literals);
  return reachable;
}

TEST(TemplateTrieTest, AddAndFind) {
  TemplateTrie trie(100);
  const uint32_t users = trie.Add(kRoot, EdgeKind::kLiteral, "users");
  const uint32_t id = trie.Add(users, EdgeKind::kId, {});
  const uint32_t me = trie.Add(users, EdgeKind::kLiteral, "me");
  EXPECT_EQ(trie.Find(kRoot, EdgeKind::kLiteral, "users"), users);
  EXPECT_EQ(trie.Find(users, EdgeKind::kId, {}), id);
  EXPECT_EQ(trie.Find(users, EdgeKind::kLiteral, "me"), me);
  EXPECT_EQ(trie.Find(users, EdgeKind::kParam, {}), kNone);
  EXPECT_EQ(trie.Find(kRoot, EdgeKind::kLiteral, "me"), kNone);   // right label, wrong parent
  EXPECT_EQ(trie.Find(users, EdgeKind::kLiteral, "m"), kNone);    // prefix
  EXPECT_EQ(trie.Find(users, EdgeKind::kLiteral, "mee"), kNone);  // extension
  EXPECT_EQ(trie.literal_children(users), 1u);
  EXPECT_EQ(trie.node_count(), 4u);
  EXPECT_EQ(CheckInvariants(trie), 4u);
}

TEST(TemplateTrieTest, NodeCapRefusesAndCounts) {
  TemplateTrie trie(3);
  EXPECT_NE(trie.Add(kRoot, EdgeKind::kLiteral, "a"), kNone);
  EXPECT_NE(trie.Add(kRoot, EdgeKind::kLiteral, "b"), kNone);
  EXPECT_TRUE(trie.full());
  EXPECT_EQ(trie.Add(kRoot, EdgeKind::kLiteral, "c"), kNone);
  EXPECT_EQ(trie.node_count(), 3u);
}

TEST(TemplateTrieTest, FoldUnitesSubtreesAndFreesNodes) {
  TemplateTrie trie(100);
  const uint32_t v1 = trie.Add(kRoot, EdgeKind::kLiteral, "v1");
  const uint32_t acme = trie.Add(v1, EdgeKind::kLiteral, "acme");
  const uint32_t globex = trie.Add(v1, EdgeKind::kLiteral, "globex");
  const uint32_t acme_orders = trie.Add(acme, EdgeKind::kLiteral, "orders");
  trie.Add(acme_orders, EdgeKind::kId, {});
  trie.Add(globex, EdgeKind::kLiteral, "orders");
  trie.Add(globex, EdgeKind::kLiteral, "invoices");
  trie.AddHit(acme);
  trie.AddHit(globex);
  trie.AddHit(globex);
  trie.SetMerged(globex);
  EXPECT_EQ(trie.node_count(), 8u);

  trie.ConvertToParam(acme);
  EXPECT_EQ(trie.Find(v1, EdgeKind::kParam, {}), acme);
  EXPECT_EQ(trie.Find(v1, EdgeKind::kLiteral, "acme"), kNone);
  trie.FoldInto(acme, globex);

  EXPECT_EQ(trie.Find(v1, EdgeKind::kLiteral, "globex"), kNone);
  const uint32_t orders = trie.Find(acme, EdgeKind::kLiteral, "orders");
  ASSERT_NE(orders, kNone);
  EXPECT_NE(trie.Find(orders, EdgeKind::kId, {}), kNone);
  EXPECT_NE(trie.Find(acme, EdgeKind::kLiteral, "invoices"), kNone);
  EXPECT_EQ(trie.hits(acme), 3u);
  EXPECT_TRUE(trie.merged(acme));
  EXPECT_EQ(trie.literal_children(v1), 0u);
  EXPECT_EQ(trie.node_count(), 6u);  // globex and its "orders" were freed
  EXPECT_EQ(CheckInvariants(trie), 6u);

  // Freed nodes are reused before the vector grows.
  const size_t memory = trie.MemoryBytes();
  trie.Add(v1, EdgeKind::kLiteral, "x");
  trie.Add(v1, EdgeKind::kLiteral, "y");
  EXPECT_EQ(trie.MemoryBytes(), memory);
}

// Many folds of random subtrees: every deletion from the edge table (backward shift) must keep
// every other edge findable, and counts must follow.
TEST(TemplateTrieTest, RandomFoldsKeepTheTableConsistent) {
  std::mt19937 rng(7);
  TemplateTrie trie(5000);
  std::vector<uint32_t> parents{kRoot};
  for (int round = 0; round < 40; ++round) {
    while (!trie.full()) {
      const uint32_t parent = parents[rng() % parents.size()];
      const std::string label = "n" + std::to_string(rng() % 40);
      if (trie.Find(parent, EdgeKind::kLiteral, label) != kNone) continue;
      const uint32_t n = trie.Add(parent, EdgeKind::kLiteral, label);
      if (n != kNone && parents.size() < 2000) parents.push_back(n);
    }
    // Fold random literal siblings into the first literal child of a random node.
    for (int folds = 0; folds < 200; ++folds) {
      const uint32_t node = parents[rng() % parents.size()];
      if (trie.parent(node) == kNone && node != kRoot) continue;
      uint32_t target = trie.first_child(node);
      if (target == kNone || trie.next_sibling(target) == kNone) continue;
      trie.FoldInto(target, trie.next_sibling(target));
    }
    trie.CompactLabels();
    EXPECT_EQ(CheckInvariants(trie), trie.node_count()) << "round " << round;
    // Keep only nodes still reachable as parents for the next round.
    parents.assign(1, kRoot);
    std::vector<uint32_t> stack{kRoot};
    while (!stack.empty()) {
      const uint32_t n = stack.back();
      stack.pop_back();
      for (uint32_t c = trie.first_child(n); c != kNone; c = trie.next_sibling(c)) {
        parents.push_back(c);
        stack.push_back(c);
      }
    }
  }
}

}  // namespace
}  // namespace apisensor::templating
