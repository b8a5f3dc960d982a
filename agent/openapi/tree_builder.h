// Internal: builds a YamlTree from a stream of document events, whichever parser produces them
// (yaml-cpp for YAML, RapidJSON for JSON), applying the keep policy and the caps.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "agent/openapi/yaml_tree.h"

namespace apisensor::openapi {

struct TextPosition {
  int line = 0;    // 1-based, 0 when unknown
  int column = 0;  // 1-based, 0 when unknown
};

class TreeBuilder {
 public:
  using NodeId = YamlTree::NodeId;
  using Kind = YamlTree::Kind;
  static constexpr uint64_t kNoAnchor = 0;

  TreeBuilder(YamlTree& tree, const YamlKeepPolicy& policy, const YamlLimits& limits)
      : tree_(tree), policy_(policy), limits_(limits) {}

  // Each throws YamlError when a cap is exceeded. Anchors are numbered 1, 2, ... by the parser.
  void Leaf(TextPosition at, uint64_t anchor, Kind kind, std::string_view value);
  void Alias(TextPosition at, uint64_t anchor);
  void Open(TextPosition at, uint64_t anchor, Kind kind);
  void Close();

 private:
  struct Frame {
    NodeId node = YamlTree::kNoNode;  // kNoNode: a container that is not stored
    uint8_t context = YamlKeepPolicy::kSkip;
    bool is_map = false;
    bool is_key = false;                            // a (complex) key of its parent mapping
    bool awaiting_value = false;                    // maps: a key was read
    uint8_t value_context = YamlKeepPolicy::kSkip;  // maps: context of that key's value
    size_t pending_begin = 0;
  };
  // Where the node starting now goes.
  struct Slot {
    uint8_t context = YamlKeepPolicy::kSkip;
    bool is_key = false;
  };

  Slot NextSlot() const;
  uint8_t KeyValueContext(const Frame& map, std::string_view key) const;
  NodeId NewNode(TextPosition at, Kind kind);
  void RegisterAnchor(uint64_t anchor, NodeId node);
  void Attach(NodeId node);
  void AfterChild(bool was_key);

  YamlTree& tree_;
  const YamlKeepPolicy& policy_;
  const YamlLimits& limits_;
  std::vector<Frame> frames_;
  std::vector<NodeId> pending_;  // children of open containers, innermost last
  std::vector<NodeId> anchors_;  // by anchor number
  bool root_seen_ = false;
};

}  // namespace apisensor::openapi
