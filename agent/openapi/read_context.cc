#include "agent/openapi/read_context.h"

#include <charconv>

namespace apisensor::openapi {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One reference token: %XX first (the pointer sits in a URI fragment), then ~1 and ~0.
std::string DecodeToken(std::string_view token) {
  std::string percent;
  percent.reserve(token.size());
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '%' && i + 2 < token.size() && HexValue(token[i + 1]) >= 0 &&
        HexValue(token[i + 2]) >= 0) {
      percent.push_back(static_cast<char>(HexValue(token[i + 1]) * 16 + HexValue(token[i + 2])));
      i += 2;
    } else {
      percent.push_back(token[i]);
    }
  }
  std::string out;
  out.reserve(percent.size());
  for (size_t i = 0; i < percent.size(); ++i) {
    if (percent[i] == '~' && i + 1 < percent.size() &&
        (percent[i + 1] == '0' || percent[i + 1] == '1')) {
      out.push_back(percent[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      out.push_back(percent[i]);
    }
  }
  return out;
}

}  // namespace

YamlTree::NodeId ResolveLocalPointer(const YamlTree& tree, std::string_view reference) {
  if (!reference.starts_with('#')) return YamlTree::kNoNode;
  std::string_view pointer = reference.substr(1);
  YamlTree::NodeId node = tree.root();
  if (pointer.empty()) return node;
  if (!pointer.starts_with('/')) return YamlTree::kNoNode;
  while (!pointer.empty() && node != YamlTree::kNoNode) {
    pointer.remove_prefix(1);  // the '/'
    const size_t end = pointer.find('/');
    const std::string token = DecodeToken(pointer.substr(0, end));
    pointer = end == std::string_view::npos ? std::string_view() : pointer.substr(end);
    if (tree.is_map(node)) {
      node = tree.Find(node, token);
    } else if (tree.is_sequence(node)) {
      size_t index = 0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      node = ec == std::errc() && ptr == token.data() + token.size() ? tree.item(node, index)
                                                                     : YamlTree::kNoNode;
    } else {
      node = YamlTree::kNoNode;
    }
  }
  return node;
}

std::string ReadContext::Located(NodeId at, std::string_view problem) const {
  std::string out = spec_.source;
  out += ": ";
  if (const int line = tree_.line(at); line > 0) {
    out += "line " + std::to_string(line) + ": ";
  }
  out.append(problem);
  return out;
}

void ReadContext::Fail(NodeId at, std::string_view problem) const {
  throw SpecError(Located(at, problem));
}

void ReadContext::Warn(NodeId at, std::string_view problem) {
  if (spec_.warnings.size() >= limits_.max_warnings) {
    ++spec_.stats.warnings_dropped;
    return;
  }
  spec_.warnings.push_back(Located(at, problem));
}

ReadContext::NodeId ReadContext::Resolve(NodeId node) {
  for (size_t hops = 0; hops <= limits_.max_ref_hops; ++hops) {
    const NodeId ref = tree_.Find(node, "$ref");
    if (ref == YamlTree::kNoNode) return node;
    const std::string_view target = Text(ref);
    if (!target.starts_with('#')) {
      ++spec_.stats.refs_not_followed;
      Warn(ref, "$ref '" + std::string(target.substr(0, 200)) + "' is not local: not followed");
      return YamlTree::kNoNode;
    }
    const NodeId next = ResolveLocalPointer(tree_, target);
    if (next == YamlTree::kNoNode) {
      ++spec_.stats.refs_unresolved;
      Warn(ref, "$ref '" + std::string(target.substr(0, 200)) + "' resolves to nothing");
      return YamlTree::kNoNode;
    }
    node = next;
  }
  ++spec_.stats.refs_unresolved;
  Warn(node,
       "$ref chain longer than " + std::to_string(limits_.max_ref_hops) + " references (a cycle?)");
  return YamlTree::kNoNode;
}

}  // namespace apisensor::openapi
