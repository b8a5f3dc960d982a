#include "agent/schema/schema_tree.h"

#include <string>
#include <utility>

namespace apisensor::schema {
namespace {

void MergeScalars(const SchemaNode& from, SchemaNode& into) {
  if (from.types & kStringType) {
    into.formats = (into.types & kStringType) ? (into.formats & from.formats) : from.formats;
  }
  into.types |= from.types;
  into.objects += from.objects;
}

SchemaProperty* FindProperty(SchemaNode& object, std::string_view key) {
  for (SchemaProperty& p : object.properties) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

// Bytes std::string keeps inside itself before it allocates.
const size_t kInlineStringCapacity = std::string().capacity();

}  // namespace

std::unique_ptr<SchemaNode> CloneNode(const SchemaNode& node) {
  auto copy = std::make_unique<SchemaNode>();
  copy->types = node.types;
  copy->formats = node.formats;
  copy->dynamic_keys = node.dynamic_keys;
  copy->objects = node.objects;
  copy->properties.reserve(node.properties.size());
  for (const SchemaProperty& p : node.properties) {
    copy->properties.push_back({p.key, p.present, CloneNode(*p.node)});
  }
  if (node.items) copy->items = CloneNode(*node.items);
  if (node.values) copy->values = CloneNode(*node.values);
  return copy;
}

size_t CountNodes(const SchemaNode& node) {
  size_t n = 1;
  for (const SchemaProperty& p : node.properties) n += CountNodes(*p.node);
  if (node.items) n += CountNodes(*node.items);
  if (node.values) n += CountNodes(*node.values);
  return n;
}

SchemaTree::SchemaTree(const SchemaTree& other)
    : limits_(other.limits_),
      stats_(other.stats_),
      root_(std::move(*CloneNode(other.root_))),
      node_count_(other.node_count_) {}

SchemaTree& SchemaTree::operator=(const SchemaTree& other) {
  if (this != &other) *this = SchemaTree(other);
  return *this;
}

std::unique_ptr<SchemaNode> SchemaTree::NewNode() {
  if (node_count_ >= limits_.max_nodes) {
    ++stats_.node_cap_hits;
    return nullptr;
  }
  ++node_count_;
  structure_changed_ = true;
  return std::make_unique<SchemaNode>();
}

SchemaNode* SchemaTree::ItemsOf(SchemaNode& array) {
  if (!array.items) array.items = NewNode();
  return array.items.get();
}

SchemaNode* SchemaTree::ValuesOf(SchemaNode& map) {
  if (!map.values) map.values = NewNode();
  return map.values.get();
}

SchemaNode* SchemaTree::AddProperty(SchemaNode& object, std::string_view key) {
  std::unique_ptr<SchemaNode> node = NewNode();
  if (!node) return nullptr;
  SchemaNode* raw = node.get();
  object.properties.push_back({std::string(key), 0, std::move(node)});
  return raw;
}

void SchemaTree::MakeMap(SchemaNode& object) {
  ++stats_.maps_collapsed;
  structure_changed_ = true;
  object.dynamic_keys = true;
  std::vector<SchemaProperty> properties;
  properties.swap(object.properties);  // a map holds no property table at all
  for (SchemaProperty& p : properties) AbsorbValue(object, std::move(p.node));
}

void SchemaTree::AbsorbValue(SchemaNode& map, std::unique_ptr<SchemaNode> value) {
  if (!map.values) {
    map.values = std::move(value);
  } else {
    Absorb(*map.values, std::move(value));
  }
}

void SchemaTree::Absorb(SchemaNode& into, std::unique_ptr<SchemaNode> from) {
  structure_changed_ = true;
  MergeScalars(*from, into);
  if (from->items) {
    if (!into.items) {
      into.items = std::move(from->items);
    } else {
      Absorb(*into.items, std::move(from->items));
    }
  }
  if (from->dynamic_keys && !into.dynamic_keys) MakeMap(into);
  if (from->values) AbsorbValue(into, std::move(from->values));
  for (SchemaProperty& p : from->properties) {
    if (into.dynamic_keys) {
      AbsorbValue(into, std::move(p.node));
    } else if (SchemaProperty* mine = FindProperty(into, p.key)) {
      mine->present += p.present;
      Absorb(*mine->node, std::move(p.node));
    } else if (into.properties.size() >= limits_.max_properties) {
      ++stats_.property_cap_hits;
      MakeMap(into);
      AbsorbValue(into, std::move(p.node));
    } else {
      into.properties.push_back(std::move(p));
    }
  }
  --node_count_;  // `from` itself; its children were moved or absorbed one by one
}

void SchemaTree::MergeFrom(const SchemaNode& from, SchemaNode& into, size_t depth) {
  const bool has_children = from.items || from.values || !from.properties.empty();
  if (depth >= limits_.max_depth) {
    // Deeper than this tree records: keep what the node is, not what it holds.
    const uint8_t had_string = into.types & kStringType;
    if (from.types & kStringType)
      into.formats = had_string ? into.formats & from.formats : from.formats;
    into.types |= from.types;
    if (has_children) ++stats_.depth_cap_hits;
    return;
  }
  MergeScalars(from, into);
  if (from.items) {
    if (SchemaNode* items = ItemsOf(into)) MergeFrom(*from.items, *items, depth + 1);
  }
  if (from.dynamic_keys && !into.dynamic_keys) MakeMap(into);
  auto merge_value = [&](const SchemaNode& value) {
    if (SchemaNode* values = ValuesOf(into)) MergeFrom(value, *values, depth + 1);
  };
  if (from.values) merge_value(*from.values);
  for (const SchemaProperty& p : from.properties) {
    if (into.dynamic_keys) {
      merge_value(*p.node);
      continue;
    }
    SchemaProperty* mine = FindProperty(into, p.key);
    if (!mine) {
      if (into.properties.size() >= limits_.max_properties) {
        ++stats_.property_cap_hits;
        MakeMap(into);
        merge_value(*p.node);
        continue;
      }
      if (!AddProperty(into, p.key)) continue;
      mine = &into.properties.back();
    }
    mine->present += p.present;
    MergeFrom(*p.node, *mine->node, depth + 1);
  }
}

void SchemaTree::Reset(SchemaNode root, size_t node_count, const SchemaStats& stats) {
  root_ = std::move(root);
  node_count_ = node_count;
  stats_ = stats;
  structure_changed_ = true;
}

bool SchemaTree::TakeStructureChanged() { return std::exchange(structure_changed_, false); }

namespace {

size_t NodeHeapBytes(const SchemaNode& node) {
  size_t bytes = node.properties.capacity() * sizeof(SchemaProperty);
  for (const SchemaProperty& p : node.properties) {
    if (p.key.capacity() > kInlineStringCapacity) bytes += p.key.capacity() + 1;
    bytes += sizeof(SchemaNode) + NodeHeapBytes(*p.node);
  }
  if (node.items) bytes += sizeof(SchemaNode) + NodeHeapBytes(*node.items);
  if (node.values) bytes += sizeof(SchemaNode) + NodeHeapBytes(*node.values);
  return bytes;
}

}  // namespace

size_t SchemaTree::HeapBytes() const { return NodeHeapBytes(root_); }

}  // namespace apisensor::schema
