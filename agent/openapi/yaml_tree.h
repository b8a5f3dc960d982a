// A compact, read-only tree of the first YAML (or JSON) document in a text, built from parser
// events (yaml-cpp for YAML; RapidJSON for text that starts with '{' or '[', falling back to
// yaml-cpp when it is not JSON but flow-style YAML) so that the reader decides what to keep: a
// spec's schemas, examples and descriptions are most of its bytes and none of what the inventory
// needs, so they are never stored. Nesting depth, stored nodes and scalar bytes are capped;
// hitting a cap is a parse error, never a crash.
//
// Aliases are stored as references to the anchored node, not copies, so an alias "bomb" costs
// nothing; the tree may therefore contain cycles (`&a [*a]`) and shared subtrees: walk it with a
// bounded depth and bounded work. An anchored node is always stored whole, whatever the keep
// policy says about its place, because an alias may use it anywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::openapi {

// A syntax error or an exceeded cap; line and column are 1-based (0 when unknown).
class YamlError : public std::runtime_error {
 public:
  YamlError(int line, int column, const std::string& message)
      : std::runtime_error(message), line_(line), column_(column) {}
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

struct YamlLimits {
  // yaml-cpp recurses once or twice per level and stops by itself only at 500 levels; real specs
  // nest 20-40 deep, so this keeps the parser's stack use near 200 KiB.
  size_t max_depth = 128;
  size_t max_nodes = size_t{1} << 21;          // stored nodes (after pruning)
  size_t max_scalar_bytes = size_t{32} << 20;  // stored scalar text
  // YAML only: a flow collection ('[', '{') where a key may start (not right after ':') costs
  // yaml-cpp ~95 bytes of memory per byte until it closes; real specs write those small.
  size_t max_key_flow_bytes = size_t{256} << 10;
};

// Which parts of the document to store. A context is a small number chosen by the policy:
// kSkip drops a value (and its key), kKeepAll stores it whole; other values are the policy's own
// and are passed back when asking about that node's children.
class YamlKeepPolicy {
 public:
  static constexpr uint8_t kSkip = 0;
  static constexpr uint8_t kKeepAll = 1;

  virtual ~YamlKeepPolicy() = default;
  virtual uint8_t RootContext() const = 0;
  // The context of the value stored under `key` in a mapping whose context is `parent`.
  virtual uint8_t MapValueContext(uint8_t parent, std::string_view key) const = 0;
  // The context of an item of a sequence whose context is `parent`.
  virtual uint8_t SequenceItemContext(uint8_t parent) const = 0;
};

// Keeps everything (tests, small documents).
class KeepEverything : public YamlKeepPolicy {
 public:
  uint8_t RootContext() const override { return kKeepAll; }
  uint8_t MapValueContext(uint8_t, std::string_view) const override { return kKeepAll; }
  uint8_t SequenceItemContext(uint8_t) const override { return kKeepAll; }
};

class YamlTree {
 public:
  using NodeId = uint32_t;
  static constexpr NodeId kNoNode = UINT32_MAX;
  enum class Kind : uint8_t { kNull, kScalar, kSequence, kMap };

  // Parses the first document of `text`. Throws YamlError. An empty text gives an empty tree.
  static YamlTree Parse(std::string_view text, const YamlKeepPolicy& policy,
                        const YamlLimits& limits = {});

  bool empty() const { return root_ == kNoNode; }
  NodeId root() const { return root_; }
  size_t node_count() const { return nodes_.size(); }

  // Every accessor accepts kNoNode and answers as for an absent node (kind kNull, size 0).
  Kind kind(NodeId node) const;
  bool is_map(NodeId node) const { return kind(node) == Kind::kMap; }
  bool is_sequence(NodeId node) const { return kind(node) == Kind::kSequence; }
  bool is_scalar(NodeId node) const { return kind(node) == Kind::kScalar; }
  int line(NodeId node) const;                   // 1-based, 0 for kNoNode
  std::string_view scalar(NodeId node) const;    // "" unless a scalar
  size_t size(NodeId node) const;                // items of a sequence, pairs of a map
  NodeId item(NodeId sequence, size_t i) const;  // kNoNode when out of range
  NodeId key_at(NodeId map, size_t i) const;     // kNoNode when out of range
  NodeId value_at(NodeId map, size_t i) const;   // kNoNode when out of range
  // The value of the first pair whose key is the scalar `key`; kNoNode when absent or not a map.
  NodeId Find(NodeId map, std::string_view key) const;

 private:
  struct Node {
    Kind kind = Kind::kNull;
    uint32_t line = 0;
    uint32_t first = 0;  // scalar: offset in text_; containers: index in children_
    uint32_t count = 0;  // scalar: bytes; sequence: items; map: 2 * pairs (key, value, ...)
  };
  friend class TreeBuilder;

  NodeId root_ = kNoNode;
  std::vector<Node> nodes_;
  std::vector<NodeId> children_;
  std::string text_;
};

}  // namespace apisensor::openapi
