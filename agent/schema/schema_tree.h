// The nodes of one inferred schema and every structural change to them. All growth goes through
// here, so the caps of SchemaLimits hold whatever the input and each refusal is counted once in
// SchemaStats. Internal to agent/schema: consumers use InferredSchema.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "agent/schema/schema_limits.h"
#include "agent/schema/schema_node.h"

namespace apisensor::schema {

class SchemaTree {
 public:
  // `limits` must be Clamped().
  explicit SchemaTree(const SchemaLimits& limits) : limits_(limits) {}
  SchemaTree(const SchemaTree& other);
  SchemaTree& operator=(const SchemaTree& other);
  SchemaTree(SchemaTree&&) noexcept = default;
  SchemaTree& operator=(SchemaTree&&) noexcept = default;

  const SchemaLimits& limits() const { return limits_; }
  SchemaStats& stats() { return stats_; }
  const SchemaStats& stats() const { return stats_; }
  SchemaNode& root() { return root_; }
  const SchemaNode& root() const { return root_; }
  size_t node_count() const { return node_count_; }

  // The element node of `array`, created on first use; null (counted) at the node cap.
  SchemaNode* ItemsOf(SchemaNode& array);
  // The value node of map `map`, created on first use; null (counted) at the node cap.
  SchemaNode* ValuesOf(SchemaNode& map);
  // Appends property `key` with a fresh node and returns that node; null (counted) at the node
  // cap. The caller has checked that `object` is not a map, has room for one more property, and
  // that `key` is new, short enough and valid UTF-8.
  SchemaNode* AddProperty(SchemaNode& object, std::string_view key);
  // Turns `object` into a map: every property's node merges into its value node. Counted.
  void MakeMap(SchemaNode& object);

  // Merges `from`, a node of another tree standing at `depth` in both, into `into`.
  void MergeFrom(const SchemaNode& from, SchemaNode& into, size_t depth);

  // Replaces the whole tree (used by deserialization, which validated it against the caps).
  void Reset(SchemaNode root, size_t node_count, const SchemaStats& stats);

  // Set by every structural change; cleared by the caller once it has accounted for it.
  bool TakeStructureChanged();

  // Heap bytes held by the nodes (the root node itself lives inside the tree object).
  size_t HeapBytes() const;

 private:
  std::unique_ptr<SchemaNode> NewNode();
  // Merges `from` (a node of this tree, already detached) into `into`, moving its children
  // rather than copying them, so it never needs a new node.
  void Absorb(SchemaNode& into, std::unique_ptr<SchemaNode> from);
  void AbsorbValue(SchemaNode& map, std::unique_ptr<SchemaNode> value);

  SchemaLimits limits_;
  SchemaStats stats_;
  SchemaNode root_;
  size_t node_count_ = 1;  // the root
  bool structure_changed_ = true;
};

// A deep copy of `node` and everything below it.
std::unique_ptr<SchemaNode> CloneNode(const SchemaNode& node);
// `node` and every node below it.
size_t CountNodes(const SchemaNode& node);

}  // namespace apisensor::schema
