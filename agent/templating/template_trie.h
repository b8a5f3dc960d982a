// The learned templates of one service, as a trie of template segments. Each node is one segment
// (a literal name or a parameter) and is reached from its parent by an edge keyed by
// (parent, kind, label) in one open-addressing hash table, so a lookup is one hash and usually one
// probe, and a node costs a fixed 28 bytes plus its label plus two to four table slots of 8 bytes.
// Labels live in one arena. Node count is capped; freed nodes (after folds) are reused.
//
// The trie knows nothing about when to merge: it offers the structural operations (add, find,
// fold a subtree into another, turn a literal into the {param} child) and per-node marks that
// PathTemplater's merge policy keeps. Not thread-safe; one per service, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/templating/template_tokens.h"

namespace apisensor::templating {

class TemplateTrie {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint32_t kRoot = 0;
  static constexpr size_t kMaxLabelBytes = UINT16_MAX;

  // `max_nodes` counts the root; at least 1.
  explicit TemplateTrie(size_t max_nodes);

  uint32_t Find(uint32_t parent, EdgeKind kind, std::string_view label) const;
  // Adds the child (label empty for parameters, at most kMaxLabelBytes for literals), which must
  // not exist yet. kNone when the trie already holds max_nodes nodes.
  uint32_t Add(uint32_t parent, EdgeKind kind, std::string_view label);

  EdgeKind kind(uint32_t n) const { return nodes_[n].kind; }
  std::string_view label(uint32_t n) const {
    return {labels_.data() + nodes_[n].label_offset, nodes_[n].label_length};
  }
  uint32_t parent(uint32_t n) const { return nodes_[n].parent; }
  uint32_t first_child(uint32_t n) const { return nodes_[n].first_child; }
  uint32_t next_sibling(uint32_t n) const { return nodes_[n].next_sibling; }
  bool is_leaf(uint32_t n) const { return nodes_[n].first_child == kNone; }
  uint32_t literal_children(uint32_t n) const { return nodes_[n].literal_children; }

  // Marks kept for the templater: how often a node was on an observed path, whether its
  // position was merged into {param}, whether it shares a literal child name with a sibling.
  uint32_t hits(uint32_t n) const { return nodes_[n].hits; }
  void AddHit(uint32_t n) {
    if (nodes_[n].hits != UINT32_MAX) ++nodes_[n].hits;
  }
  bool merged(uint32_t n) const { return nodes_[n].flags & kMergedFlag; }
  void SetMerged(uint32_t n) { nodes_[n].flags |= kMergedFlag; }
  bool shares(uint32_t n) const { return nodes_[n].flags & kSharesFlag; }
  void SetShares(uint32_t n, bool shares);

  // Turns literal `node` into its parent's {param} child, keeping its subtree. The parent must
  // not have a {param} child.
  void ConvertToParam(uint32_t node);
  // Moves `source`'s subtree into `target` and frees `source`: children with the same edge are
  // folded recursively, the others move under `target`; hits add up and the merged mark is
  // kept. Neither may be an ancestor of the other.
  void FoldInto(uint32_t target, uint32_t source);

  // Reclaims the label bytes of freed nodes once they outweigh the live ones. Invalidates every
  // label() view.
  void CompactLabels();

  size_t node_count() const { return live_; }
  bool full() const { return live_ >= max_nodes_; }
  size_t MemoryBytes() const;

 private:
  enum Flag : uint8_t { kMergedFlag = 1, kSharesFlag = 2, kFreeFlag = 4 };

  struct Node {
    uint32_t parent = kNone;
    uint32_t first_child = kNone;
    uint32_t next_sibling = kNone;  // next free node while on the free list
    uint32_t label_offset = 0;
    uint32_t hits = 0;
    uint32_t literal_children = 0;
    uint16_t label_length = 0;
    EdgeKind kind = EdgeKind::kLiteral;
    uint8_t flags = 0;
  };

  struct Slot {
    uint32_t node = kNone;
    uint32_t hash = 0;
  };

  uint32_t EdgeHash(uint32_t parent, EdgeKind kind, std::string_view label) const;
  uint32_t EdgeHashOf(uint32_t node) const {
    return EdgeHash(nodes_[node].parent, nodes_[node].kind, label(node));
  }
  void InsertEdge(uint32_t node);
  void RemoveEdge(uint32_t node);
  void GrowTable();
  void Unlink(uint32_t node);
  void FoldChildren(uint32_t target, uint32_t source);
  void Free(uint32_t node);

  size_t max_nodes_;
  uint64_t seed_;
  std::vector<Node> nodes_;
  uint32_t free_head_ = kNone;
  size_t live_ = 0;
  std::vector<Slot> slots_;  // power-of-two size, at most half full
  size_t used_slots_ = 0;
  std::string labels_;
  size_t live_label_bytes_ = 0;
};

}  // namespace apisensor::templating
