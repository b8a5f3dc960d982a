#include "agent/openapi/path_index.h"

#include <algorithm>

#include "agent/openapi/path_template.h"

namespace apisensor::openapi {
namespace {

constexpr std::array<std::string_view, kMethodCount> kMethods = {
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"};

bool LiteralLess(const std::pair<std::string, uint32_t>& child, std::string_view text) {
  return std::string_view(child.first) < text;
}

}  // namespace

std::optional<size_t> MethodIndex(std::string_view method) {
  for (size_t i = 0; i < kMethods.size(); ++i) {
    if (kMethods[i] == method) return i;
  }
  return std::nullopt;
}

std::string_view MethodName(size_t index) {
  return index < kMethods.size() ? kMethods[index] : std::string_view();
}

uint32_t PathIndex::NewNode() {
  nodes_.emplace_back();
  return static_cast<uint32_t>(nodes_.size() - 1);
}

PathIndex::AddResult PathIndex::Add(std::string_view method, std::string_view template_path,
                                    uint32_t value, std::string* error) {
  std::string scratch;
  if (error == nullptr) error = &scratch;
  const std::optional<size_t> method_index = MethodIndex(method);
  if (!method_index) {
    *error = "method '" + std::string(method) + "' is not one OpenAPI declares";
    return AddResult::kInvalid;
  }
  std::optional<ParsedTemplate> parsed =
      ParseTemplate(template_path, kMaxSegments, kMaxTemplateBytes, error);
  if (!parsed) return AddResult::kInvalid;
  if (nodes_.empty()) NewNode();
  uint32_t node = 0;
  for (TemplateSegment& segment : parsed->segments) {
    // Indices, not references: NewNode() may move the nodes.
    switch (segment.kind) {
      case TemplateSegment::Kind::kLiteral: {
        auto& literals = nodes_[node].literals;
        auto it = std::lower_bound(literals.begin(), literals.end(),
                                   std::string_view(segment.literal), LiteralLess);
        if (it == literals.end() || it->first != segment.literal) {
          const size_t at = static_cast<size_t>(it - literals.begin());
          const uint32_t child = NewNode();
          auto& fresh = nodes_[node].literals;
          fresh.insert(fresh.begin() + static_cast<ptrdiff_t>(at), {segment.literal, child});
          node = child;
        } else {
          node = it->second;
        }
        break;
      }
      case TemplateSegment::Kind::kParameter:
        if (nodes_[node].parameter == kNone) {
          const uint32_t child = NewNode();
          nodes_[node].parameter = child;
        }
        node = nodes_[node].parameter;
        break;
      case TemplateSegment::Kind::kPattern: {
        auto& patterns = nodes_[node].patterns;
        auto it = std::find_if(patterns.begin(), patterns.end(),
                               [&](const PatternChild& p) { return p.key == segment.literal; });
        if (it != patterns.end()) {
          node = it->node;
          break;
        }
        PatternChild child;
        child.key = segment.literal;
        for (const std::string& piece : segment.pieces) child.literal_bytes += piece.size();
        child.pieces = std::move(segment.pieces);
        child.node = NewNode();
        const uint32_t next = child.node;
        auto& fresh = nodes_[node].patterns;
        auto at = std::find_if(fresh.begin(), fresh.end(), [&](const PatternChild& p) {
          return p.literal_bytes < child.literal_bytes ||
                 (p.literal_bytes == child.literal_bytes && p.key > child.key);
        });
        fresh.insert(at, std::move(child));
        node = next;
        break;
      }
    }
  }
  if (nodes_[node].endpoint == kNone) {
    Endpoint endpoint;
    endpoint.template_path = std::string(template_path);
    endpoint.values.fill(kNone);
    endpoints_.push_back(std::move(endpoint));
    nodes_[node].endpoint = static_cast<uint32_t>(endpoints_.size() - 1);
  }
  uint32_t& slot = endpoints_[nodes_[node].endpoint].values[*method_index];
  if (slot != kNone) return AddResult::kDuplicate;
  slot = value;
  return AddResult::kAdded;
}

bool PathIndex::Visit(uint32_t node, std::span<const std::string_view> segments, size_t depth,
                      std::optional<size_t> method, Match& match) const {
  const Node& n = nodes_[node];
  if (depth == segments.size()) {
    if (n.endpoint == kNone) return false;
    const Endpoint& endpoint = endpoints_[n.endpoint];
    if (!match.path_matched) {
      match.path_matched = true;
      match.template_path = endpoint.template_path;
    }
    if (!method) return true;  // no template declares this method: the first path is the answer
    if (endpoint.values[*method] == kNone) return false;
    match.value = endpoint.values[*method];
    match.template_path = endpoint.template_path;
    return true;
  }
  const std::string_view segment = segments[depth];
  auto it = std::lower_bound(n.literals.begin(), n.literals.end(), segment, LiteralLess);
  if (it != n.literals.end() && it->first == segment &&
      Visit(it->second, segments, depth + 1, method, match)) {
    return true;
  }
  for (const PatternChild& pattern : n.patterns) {
    if (MatchesPattern(pattern.pieces, segment) &&
        Visit(pattern.node, segments, depth + 1, method, match)) {
      return true;
    }
  }
  return n.parameter != kNone && !segment.empty() &&
         Visit(n.parameter, segments, depth + 1, method, match);
}

PathIndex::Match PathIndex::Find(std::string_view method, std::string_view path) const {
  Match match;
  if (nodes_.empty()) return match;
  std::array<std::string_view, kMaxSegments> storage;
  const std::optional<size_t> count = SplitPath(path, storage);
  if (!count) return match;
  Visit(0, std::span<const std::string_view>(storage.data(), *count), 0, MethodIndex(method),
        match);
  return match;
}

}  // namespace apisensor::openapi
