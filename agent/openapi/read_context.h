// Internal: what the pieces of the spec reader share while reading one document: the tree, the
// caps, and where errors, warnings and counts go.
#pragma once

#include <string>
#include <string_view>

#include "agent/openapi/spec.h"
#include "agent/openapi/spec_parser.h"
#include "agent/openapi/yaml_tree.h"

namespace apisensor::openapi {

class ReadContext {
 public:
  using NodeId = YamlTree::NodeId;

  ReadContext(const YamlTree& tree, const SpecLimits& limits, Spec& spec)
      : tree_(tree), limits_(limits), spec_(spec) {}

  const YamlTree& tree() const { return tree_; }
  const SpecLimits& limits() const { return limits_; }
  Spec& spec() { return spec_; }

  // Throws SpecError "<source>: line N: <problem>" (no line for kNoNode).
  [[noreturn]] void Fail(NodeId at, std::string_view problem) const;
  // Adds "<source>: line N: <problem>" to the warnings, or counts it past the cap.
  void Warn(NodeId at, std::string_view problem);

  // `node` itself, or when it is a mapping with a `$ref`, the local node the reference chain ends
  // on. kNoNode (warned and counted) for remote, dangling, cyclic or overlong chains.
  NodeId Resolve(NodeId node);

  // The scalar text of `node`, "" for anything else.
  std::string_view Text(NodeId node) const { return tree_.scalar(node); }

 private:
  std::string Located(NodeId at, std::string_view problem) const;

  const YamlTree& tree_;
  const SpecLimits& limits_;
  Spec& spec_;
};

// The node a local JSON pointer reference ("#/components/parameters/limit") names, decoding
// "~1", "~0" and %XX escapes; kNoNode when it names nothing stored.
YamlTree::NodeId ResolveLocalPointer(const YamlTree& tree, std::string_view reference);

}  // namespace apisensor::openapi
