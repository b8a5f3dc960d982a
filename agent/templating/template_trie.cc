#include "agent/templating/template_trie.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <string_view>

namespace apisensor::templating {
namespace {

constexpr size_t kInitialSlots = 64;
// Arena garbage tolerated before compaction, so small services never compact.
constexpr size_t kLabelSlackBytes = 4096;

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Random per trie, so crafted paths cannot aim at one probe chain.
uint64_t RandomSeed() {
  std::random_device device;
  return (uint64_t{device()} << 32) ^ device();
}

}  // namespace

TemplateTrie::TemplateTrie(size_t max_nodes)
    : max_nodes_(std::max<size_t>(max_nodes, 1)), seed_(RandomSeed()), slots_(kInitialSlots) {
  nodes_.reserve(16);
  nodes_.emplace_back();  // the root: no parent, no edge
  live_ = 1;
}

uint32_t TemplateTrie::EdgeHash(uint32_t parent, EdgeKind kind, std::string_view label) const {
  uint64_t h = seed_ ^ ((uint64_t{parent} << 8 | static_cast<uint8_t>(kind)) * kGolden);
  const char* p = label.data();
  const size_t size = label.size();
  size_t n = size;
  while (n >= 8) {
    h = (h ^ Load64(p)) * kGolden;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  // The last 1-7 bytes are read with whole loads (overlapping what came before when the label
  // is longer): assembling them byte by byte on the stack stalls store forwarding and cost a
  // third of a lookup. The length in the top byte tells apart the overlaps.
  uint64_t tail = uint64_t{size} << 56;
  if (n > 0) {
    if (size >= 8) {
      tail ^= Load64(label.data() + size - 8);
    } else if (n >= 4) {
      tail ^= uint64_t{Load32(p)} << 24 ^ Load32(p + n - 4);
    } else {
      tail ^= uint64_t{static_cast<uint8_t>(p[0])} << 16 |
              uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 | static_cast<uint8_t>(p[n - 1]);
    }
  }
  h = Mix(h ^ tail);
  return static_cast<uint32_t>(h) ^ static_cast<uint32_t>(h >> 32);
}

uint32_t TemplateTrie::Find(uint32_t parent, EdgeKind kind, std::string_view label) const {
  const uint32_t hash = EdgeHash(parent, kind, label);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.node == kNone) return kNone;
    if (slot.hash != hash) continue;
    const Node& node = nodes_[slot.node];
    if (node.parent == parent && node.kind == kind && this->label(slot.node) == label) {
      return slot.node;
    }
  }
}

uint32_t TemplateTrie::Add(uint32_t parent, EdgeKind kind, std::string_view label) {
  if (full()) return kNone;
  uint32_t id;
  if (free_head_ != kNone) {
    id = free_head_;
    free_head_ = nodes_[id].next_sibling;
  } else {
    // Grow by hand so the vector never reserves beyond the node cap.
    if (nodes_.size() == nodes_.capacity()) {
      nodes_.reserve(std::min(max_nodes_, std::max<size_t>(16, nodes_.capacity() * 2)));
    }
    id = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  Node& node = nodes_[id];
  node = Node{};
  node.parent = parent;
  node.kind = kind;
  if (kind == EdgeKind::kLiteral) {
    label = label.substr(0, kMaxLabelBytes);
    node.label_offset = static_cast<uint32_t>(labels_.size());
    node.label_length = static_cast<uint16_t>(label.size());
    labels_.append(label);
    live_label_bytes_ += label.size();
    ++nodes_[parent].literal_children;
  }
  node.next_sibling = nodes_[parent].first_child;
  nodes_[parent].first_child = id;
  InsertEdge(id);
  ++live_;
  return id;
}

void TemplateTrie::SetShares(uint32_t n, bool shares) {
  if (shares) {
    nodes_[n].flags |= kSharesFlag;
  } else {
    nodes_[n].flags &= ~kSharesFlag;
  }
}

void TemplateTrie::InsertEdge(uint32_t node) {
  if ((used_slots_ + 1) * 2 > slots_.size()) GrowTable();
  const uint32_t hash = EdgeHashOf(node);
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].node != kNone) i = (i + 1) & mask;
  slots_[i] = {node, hash};
  ++used_slots_;
}

// Linear probing with backward-shift deletion: no tombstones, so lookups never slow down.
void TemplateTrie::RemoveEdge(uint32_t node) {
  const size_t mask = slots_.size() - 1;
  size_t hole = EdgeHashOf(node) & mask;
  while (slots_[hole].node != node) hole = (hole + 1) & mask;
  for (size_t j = (hole + 1) & mask; slots_[j].node != kNone; j = (j + 1) & mask) {
    const size_t home = slots_[j].hash & mask;
    // The entry at j may fill the hole only if its home is not cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    hole = j;
  }
  slots_[hole] = Slot{};
  --used_slots_;
}

void TemplateTrie::GrowTable() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.node == kNone) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].node != kNone) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void TemplateTrie::Unlink(uint32_t node) {
  Node& parent = nodes_[nodes_[node].parent];
  if (parent.first_child == node) {
    parent.first_child = nodes_[node].next_sibling;
  } else {
    uint32_t previous = parent.first_child;
    while (nodes_[previous].next_sibling != node) previous = nodes_[previous].next_sibling;
    nodes_[previous].next_sibling = nodes_[node].next_sibling;
  }
  if (nodes_[node].kind == EdgeKind::kLiteral) --parent.literal_children;
}

void TemplateTrie::Free(uint32_t node) {
  Node& n = nodes_[node];
  if (n.kind == EdgeKind::kLiteral) live_label_bytes_ -= n.label_length;
  n = Node{};
  n.flags = kFreeFlag;
  n.next_sibling = free_head_;
  free_head_ = node;
  --live_;
}

void TemplateTrie::ConvertToParam(uint32_t node) {
  RemoveEdge(node);
  Node& n = nodes_[node];
  --nodes_[n.parent].literal_children;
  live_label_bytes_ -= n.label_length;
  n.label_length = 0;
  n.kind = EdgeKind::kParam;
  n.flags &= ~kSharesFlag;
  InsertEdge(node);
}

void TemplateTrie::FoldInto(uint32_t target, uint32_t source) {
  RemoveEdge(source);
  Unlink(source);
  FoldChildren(target, source);
  Node& t = nodes_[target];
  const Node& s = nodes_[source];
  t.hits = s.hits > UINT32_MAX - t.hits ? UINT32_MAX : t.hits + s.hits;
  t.flags |= s.flags & kMergedFlag;
  Free(source);
}

void TemplateTrie::FoldChildren(uint32_t target, uint32_t source) {
  uint32_t child = nodes_[source].first_child;
  nodes_[source].first_child = kNone;
  nodes_[source].literal_children = 0;
  while (child != kNone) {
    const uint32_t next = nodes_[child].next_sibling;
    const uint32_t twin = Find(target, nodes_[child].kind, label(child));
    RemoveEdge(child);
    if (twin != kNone) {
      FoldChildren(twin, child);
      Node& t = nodes_[twin];
      const Node& c = nodes_[child];
      t.hits = c.hits > UINT32_MAX - t.hits ? UINT32_MAX : t.hits + c.hits;
      t.flags |= c.flags & kMergedFlag;
      Free(child);
    } else {
      Node& c = nodes_[child];
      c.parent = target;
      c.next_sibling = nodes_[target].first_child;
      nodes_[target].first_child = child;
      if (c.kind == EdgeKind::kLiteral) ++nodes_[target].literal_children;
      InsertEdge(child);
    }
    child = next;
  }
}

void TemplateTrie::CompactLabels() {
  if (labels_.size() - live_label_bytes_ <= live_label_bytes_ + kLabelSlackBytes) return;
  std::string compacted;
  compacted.reserve(live_label_bytes_);
  for (Node& node : nodes_) {
    if ((node.flags & kFreeFlag) || node.kind != EdgeKind::kLiteral) continue;
    const uint32_t offset = static_cast<uint32_t>(compacted.size());
    compacted.append(labels_, node.label_offset, node.label_length);
    node.label_offset = offset;
  }
  labels_.swap(compacted);
}

size_t TemplateTrie::MemoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + slots_.capacity() * sizeof(Slot) + labels_.capacity();
}

}  // namespace apisensor::templating
