// PathTemplater's cardinality merge policy (the rule is stated in path_templater.h). Runs only
// when an observation created nodes, so steady traffic never pays for it.
#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/templating/path_templater.h"

namespace apisensor::templating {
namespace {

constexpr uint32_t kNone = TemplateTrie::kNone;
constexpr uint32_t kRoot = TemplateTrie::kRoot;

// A sibling with at least a quarter of its siblings' hits, and at least four times their
// average, is frequent and survives a merge. The second half keeps a position with only a few
// evenly used siblings (a small threshold) from calling all of them frequent.
constexpr uint64_t kFrequentFactor = 4;

bool Frequent(uint64_t hits, uint64_t total_hits, uint64_t siblings) {
  return hits * kFrequentFactor >= total_hits && hits * siblings >= kFrequentFactor * total_hits;
}

}  // namespace

// A new literal `child` under literal `parent`: every other literal sibling of `parent` that
// has a literal child of the same name now shares structure with it. O(siblings) probes.
void PathTemplater::NoteSharing(uint32_t child) {
  const uint32_t parent = trie_.parent(child);
  if (parent == kRoot || trie_.kind(parent) != EdgeKind::kLiteral) return;
  const std::string_view name = trie_.label(child);
  for (uint32_t s = trie_.first_child(trie_.parent(parent)); s != kNone;
       s = trie_.next_sibling(s)) {
    if (s == parent || trie_.kind(s) != EdgeKind::kLiteral) continue;
    if (trie_.Find(s, EdgeKind::kLiteral, name) != kNone) {
      trie_.SetShares(s, true);
      trie_.SetShares(parent, true);
    }
  }
}

// Recomputes the sharing marks of `node`'s literal children from scratch, after a fold changed
// who their siblings and children are.
void PathTemplater::RefreshSharing(uint32_t node) {
  std::vector<std::pair<std::string_view, uint32_t>> names;
  for (uint32_t x = trie_.first_child(node); x != kNone; x = trie_.next_sibling(x)) {
    if (trie_.kind(x) != EdgeKind::kLiteral) continue;
    trie_.SetShares(x, false);
    for (uint32_t y = trie_.first_child(x); y != kNone; y = trie_.next_sibling(y)) {
      if (trie_.kind(y) == EdgeKind::kLiteral) names.emplace_back(trie_.label(y), x);
    }
  }
  std::sort(names.begin(), names.end());
  for (size_t i = 0; i < names.size();) {
    size_t end = i + 1;
    while (end < names.size() && names[end].first == names[i].first) ++end;
    if (end - i >= 2) {
      for (size_t k = i; k < end; ++k) trie_.SetShares(names[k].second, true);
    }
    i = end;
  }
}

// A node created for segment `first_created_depth` can change the merge condition of its
// parent (one more literal child, or one fewer leaf) and of its grandparent (a sibling may now
// share a name); checks those and every node below them on the path. Each merge frees nodes, so
// the restarts end.
bool PathTemplater::SettlePath(std::span<const PathSegment> segments, size_t first_created_depth) {
  bool merged = false;
  for (bool again = true; again;) {
    again = false;
    uint32_t node = kRoot;
    for (size_t depth = 0;; ++depth) {
      if (depth + 1 >= first_created_depth && TryMerge(node)) {
        merged = again = true;
        break;
      }
      if (depth == segments.size()) break;
      node = Route(node, segments[depth]);
      if (node == kNone) break;
    }
  }
  return merged;
}

// After a fold united subtrees under `node`: bottom-up, recompute sharing and merge where the
// union now has enough alike siblings.
void PathTemplater::Settle(uint32_t node) {
  std::vector<uint32_t> children;
  for (uint32_t c = trie_.first_child(node); c != kNone; c = trie_.next_sibling(c)) {
    children.push_back(c);
  }
  // Settling a child folds only inside its subtree, so the other children stay valid.
  for (uint32_t c : children) Settle(c);
  RefreshSharing(node);
  TryMerge(node);
}

bool PathTemplater::TryMerge(uint32_t node) {
  const size_t threshold = limits_.cardinality_threshold;
  if (trie_.literal_children(node) <= threshold) return false;
  std::vector<uint32_t> leaves;
  std::vector<uint32_t> sharing;
  uint64_t total_hits = 0;
  for (uint32_t c = trie_.first_child(node); c != kNone; c = trie_.next_sibling(c)) {
    if (trie_.kind(c) != EdgeKind::kLiteral) continue;
    total_hits += trie_.hits(c);
    if (trie_.is_leaf(c)) {
      leaves.push_back(c);
    } else if (trie_.shares(c)) {
      sharing.push_back(c);
    }
  }
  const bool leaves_alike = node != kRoot && leaves.size() >= sharing.size();
  const uint64_t siblings = trie_.literal_children(node);
  std::vector<uint32_t> alike;
  const auto add_unless_frequent = [&](const std::vector<uint32_t>& candidates) {
    for (uint32_t c : candidates) {
      if (!Frequent(trie_.hits(c), total_hits, siblings)) alike.push_back(c);
    }
  };
  add_unless_frequent(sharing);
  if (leaves_alike) add_unless_frequent(leaves);
  if (alike.size() <= threshold) return false;

  uint32_t target = trie_.Find(node, EdgeKind::kParam, {});
  size_t next = 0;
  if (target == kNone) {
    target = alike[next++];
    trie_.ConvertToParam(target);
  }
  for (; next < alike.size(); ++next) trie_.FoldInto(target, alike[next]);
  trie_.SetMerged(node);
  ++generation_;
  ++stats_.merges;
  stats_.literals_merged += alike.size();
  Settle(target);
  return true;
}

}  // namespace apisensor::templating
