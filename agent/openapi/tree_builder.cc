#include "agent/openapi/tree_builder.h"

#include <string>

namespace apisensor::openapi {

TreeBuilder::Slot TreeBuilder::NextSlot() const {
  Slot slot;
  if (frames_.empty()) {
    slot.context = root_seen_ ? YamlKeepPolicy::kSkip : policy_.RootContext();
    return slot;
  }
  const Frame& top = frames_.back();
  if (top.node == YamlTree::kNoNode) return slot;  // inside a skipped container
  if (!top.is_map) {
    slot.context = top.context == YamlKeepPolicy::kKeepAll
                       ? YamlKeepPolicy::kKeepAll
                       : policy_.SequenceItemContext(top.context);
    return slot;
  }
  if (!top.awaiting_value) {
    slot.is_key = true;  // stored or not once its text is known
    return slot;
  }
  slot.context = top.value_context;
  return slot;
}

uint8_t TreeBuilder::KeyValueContext(const Frame& map, std::string_view key) const {
  if (map.context == YamlKeepPolicy::kKeepAll) return YamlKeepPolicy::kKeepAll;
  return policy_.MapValueContext(map.context, key);
}

TreeBuilder::NodeId TreeBuilder::NewNode(TextPosition at, Kind kind) {
  if (tree_.nodes_.size() >= limits_.max_nodes) {
    throw YamlError(at.line, at.column,
                    "more than " + std::to_string(limits_.max_nodes) + " nodes to keep");
  }
  YamlTree::Node node;
  node.kind = kind;
  node.line = static_cast<uint32_t>(at.line);
  tree_.nodes_.push_back(node);
  return static_cast<NodeId>(tree_.nodes_.size() - 1);
}

void TreeBuilder::RegisterAnchor(uint64_t anchor, NodeId node) {
  if (anchor == kNoAnchor) return;
  // Every anchored node is stored, so anchor numbers are bounded by max_nodes.
  if (anchor >= anchors_.size()) anchors_.resize(anchor + 1, YamlTree::kNoNode);
  anchors_[anchor] = node;
}

void TreeBuilder::Attach(NodeId node) {
  if (frames_.empty()) {
    if (!root_seen_) tree_.root_ = node;
    return;
  }
  pending_.push_back(node);
}

void TreeBuilder::AfterChild(bool was_key) {
  root_seen_ = root_seen_ || frames_.empty();
  if (frames_.empty() || !frames_.back().is_map || frames_.back().node == YamlTree::kNoNode) {
    return;
  }
  if (!was_key) frames_.back().awaiting_value = false;
}

void TreeBuilder::Leaf(TextPosition at, uint64_t anchor, Kind kind, std::string_view value) {
  const Slot slot = NextSlot();
  bool store = slot.context != YamlKeepPolicy::kSkip;
  if (slot.is_key) {
    Frame& map = frames_.back();
    map.value_context = KeyValueContext(map, value);
    map.awaiting_value = true;
    store = map.value_context != YamlKeepPolicy::kSkip;
  }
  const bool anchored = anchor != kNoAnchor;
  if (!store && !anchored) {
    AfterChild(slot.is_key);
    return;
  }
  if (tree_.text_.size() + value.size() > limits_.max_scalar_bytes) {
    throw YamlError(
        at.line, at.column,
        "more than " + std::to_string(limits_.max_scalar_bytes) + " bytes of text to keep");
  }
  const NodeId id = NewNode(at, kind);
  YamlTree::Node& node = tree_.nodes_[id];
  node.first = static_cast<uint32_t>(tree_.text_.size());
  node.count = static_cast<uint32_t>(value.size());
  tree_.text_.append(value);
  RegisterAnchor(anchor, id);
  if (store) Attach(id);
  AfterChild(slot.is_key);
}

void TreeBuilder::Alias(TextPosition at, uint64_t anchor) {
  const Slot slot = NextSlot();
  const NodeId target = anchor < anchors_.size() ? anchors_[anchor] : YamlTree::kNoNode;
  if (slot.is_key) {
    Frame& map = frames_.back();
    const bool scalar_key = tree_.is_scalar(target) || tree_.kind(target) == Kind::kNull;
    map.value_context =
        scalar_key ? KeyValueContext(map, tree_.scalar(target)) : YamlKeepPolicy::kSkip;
    map.awaiting_value = true;
    if (map.value_context != YamlKeepPolicy::kSkip) Attach(target);
  } else if (slot.context != YamlKeepPolicy::kSkip) {
    // yaml-cpp rejects unknown anchors; a null keeps the pairs aligned should one slip through.
    Attach(target != YamlTree::kNoNode ? target : NewNode(at, Kind::kNull));
  }
  AfterChild(slot.is_key);
}

void TreeBuilder::Open(TextPosition at, uint64_t anchor, Kind kind) {
  if (frames_.size() >= limits_.max_depth) {
    throw YamlError(at.line, at.column,
                    "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  const Slot slot = NextSlot();
  Frame frame;
  frame.is_map = kind == Kind::kMap;
  frame.is_key = slot.is_key;
  uint8_t context = slot.context;
  if (slot.is_key) {
    // A mapping or sequence used as a key names nothing a spec reader looks up.
    Frame& map = frames_.back();
    map.value_context = YamlKeepPolicy::kSkip;
    map.awaiting_value = true;
    context = YamlKeepPolicy::kSkip;
  }
  const bool anchored = anchor != kNoAnchor;
  if (context != YamlKeepPolicy::kSkip || anchored) {
    frame.node = NewNode(at, kind);
    // An anchored node may be used anywhere through an alias: keep all of it.
    frame.context = anchored ? YamlKeepPolicy::kKeepAll : context;
    RegisterAnchor(anchor, frame.node);
    if (context != YamlKeepPolicy::kSkip) Attach(frame.node);
  }
  frame.pending_begin = pending_.size();
  frames_.push_back(frame);
}

void TreeBuilder::Close() {
  if (frames_.empty()) return;
  const Frame frame = frames_.back();
  frames_.pop_back();
  if (frame.node != YamlTree::kNoNode) {
    YamlTree::Node& node = tree_.nodes_[frame.node];
    size_t end = pending_.size();
    // A mapping whose last key had no stored value: drop the dangling key.
    if (frame.is_map && (end - frame.pending_begin) % 2 == 1) --end;
    node.first = static_cast<uint32_t>(tree_.children_.size());
    node.count = static_cast<uint32_t>(end - frame.pending_begin);
    tree_.children_.insert(tree_.children_.end(),
                           pending_.begin() + static_cast<ptrdiff_t>(frame.pending_begin),
                           pending_.begin() + static_cast<ptrdiff_t>(end));
    pending_.resize(frame.pending_begin);
  }
  AfterChild(frame.is_key);
}

}  // namespace apisensor::openapi
