#include "agent/openapi/yaml_tree.h"

#include "agent/openapi/document_readers.h"
#include "agent/openapi/tree_builder.h"

namespace apisensor::openapi {

YamlTree YamlTree::Parse(std::string_view text, const YamlKeepPolicy& policy,
                         const YamlLimits& limits) {
  if (LooksLikeJson(text)) {
    YamlTree tree;
    TreeBuilder builder(tree, policy, limits);
    const std::optional<YamlError> json_error = ReadJsonDocument(text, builder);
    if (!json_error) return tree;
    // Flow-style YAML (unquoted keys, anchors) also starts with '{'. When it is not that either,
    // the JSON error is the one that makes sense to the author.
    try {
      YamlTree yaml;
      TreeBuilder yaml_builder(yaml, policy, limits);
      ReadYamlDocument(text, yaml_builder, limits);
      return yaml;
    } catch (const YamlError&) {
      throw *json_error;
    }
  }
  YamlTree tree;
  TreeBuilder builder(tree, policy, limits);
  ReadYamlDocument(text, builder, limits);
  return tree;
}

YamlTree::Kind YamlTree::kind(NodeId node) const {
  return node < nodes_.size() ? nodes_[node].kind : Kind::kNull;
}

int YamlTree::line(NodeId node) const {
  return node < nodes_.size() ? static_cast<int>(nodes_[node].line) : 0;
}

std::string_view YamlTree::scalar(NodeId node) const {
  if (!is_scalar(node)) return {};
  const Node& n = nodes_[node];
  return std::string_view(text_).substr(n.first, n.count);
}

size_t YamlTree::size(NodeId node) const {
  switch (kind(node)) {
    case Kind::kSequence:
      return nodes_[node].count;
    case Kind::kMap:
      return nodes_[node].count / 2;
    default:
      return 0;
  }
}

YamlTree::NodeId YamlTree::item(NodeId sequence, size_t i) const {
  if (!is_sequence(sequence) || i >= nodes_[sequence].count) return kNoNode;
  return children_[nodes_[sequence].first + i];
}

YamlTree::NodeId YamlTree::key_at(NodeId map, size_t i) const {
  if (!is_map(map) || i >= size(map)) return kNoNode;
  return children_[nodes_[map].first + 2 * i];
}

YamlTree::NodeId YamlTree::value_at(NodeId map, size_t i) const {
  if (!is_map(map) || i >= size(map)) return kNoNode;
  return children_[nodes_[map].first + 2 * i + 1];
}

YamlTree::NodeId YamlTree::Find(NodeId map, std::string_view key) const {
  const size_t pairs = size(map);
  for (size_t i = 0; i < pairs; ++i) {
    const NodeId k = key_at(map, i);
    if (is_scalar(k) && scalar(k) == key) return value_at(map, i);
  }
  return kNoNode;
}

}  // namespace apisensor::openapi
