#include "agent/templating/path_templater.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace apisensor::templating {
namespace {

constexpr uint32_t kNone = TemplateTrie::kNone;
constexpr uint32_t kRoot = TemplateTrie::kRoot;

constexpr size_t kReservedTemplateBytes = 256;

TemplaterLimits Clamped(TemplaterLimits l) {
  l.cardinality_threshold = std::max<size_t>(l.cardinality_threshold, 1);
  l.max_nodes = std::clamp<size_t>(l.max_nodes, 1, size_t{1} << 24);
  l.max_children_per_node = std::clamp<size_t>(l.max_children_per_node, 1, 65535);
  l.max_depth = std::clamp<size_t>(l.max_depth, 1, 512);
  l.max_segment_bytes = std::clamp<size_t>(l.max_segment_bytes, 8, 4096);
  return l;
}

// What a segment is by its own shape: a parameter kind, or kLiteral. A segment too long to be a
// literal is {id} if its first bytes look like one, {param} otherwise.
EdgeKind ShapeOf(const PathSegment& segment) {
  if (segment.token != EdgeKind::kLiteral) return segment.token;
  const EdgeKind kind = EdgeKindFor(ClassifySegment(segment.text));
  if (segment.truncated) return kind == EdgeKind::kId ? EdgeKind::kId : EdgeKind::kParam;
  return kind;
}

void AppendNode(const TemplateTrie& trie, uint32_t node, std::string& out) {
  const EdgeKind kind = trie.kind(node);
  out += kind == EdgeKind::kLiteral ? trie.label(node) : TokenText(kind);
}

}  // namespace

PathTemplater::PathTemplater(TemplaterLimits limits)
    : limits_(Clamped(limits)),
      trie_(limits_.max_nodes),
      tokenizer_(limits_.max_depth, limits_.max_segment_bytes) {
  template_.reserve(kReservedTemplateBytes);
}

bool PathTemplater::PositionIsParameter(uint32_t node) const {
  return trie_.merged(node) || trie_.literal_children(node) >= limits_.max_children_per_node;
}

EdgeKind PathTemplater::NonLiteralEdge(uint32_t node, const PathSegment& segment) const {
  const EdgeKind shape = ShapeOf(segment);
  if (shape != EdgeKind::kLiteral) return shape;
  return PositionIsParameter(node) ? EdgeKind::kParam : EdgeKind::kLiteral;
}

uint32_t PathTemplater::Route(uint32_t node, const PathSegment& segment) const {
  if (segment.token == EdgeKind::kLiteral && !segment.truncated) {
    const uint32_t child = trie_.Find(node, EdgeKind::kLiteral, segment.text);
    if (child != kNone) return child;
  }
  const EdgeKind kind = NonLiteralEdge(node, segment);
  return kind == EdgeKind::kLiteral ? kNone : trie_.Find(node, kind, {});
}

uint32_t PathTemplater::Learn(uint32_t node, const PathSegment& segment, bool& created) {
  created = false;
  if (segment.token == EdgeKind::kLiteral && !segment.truncated) {
    const uint32_t child = trie_.Find(node, EdgeKind::kLiteral, segment.text);
    if (child != kNone) return child;
  }
  const EdgeKind shape = ShapeOf(segment);
  EdgeKind kind = shape;
  if (shape == EdgeKind::kLiteral && PositionIsParameter(node)) {
    if (!trie_.merged(node)) ++stats_.children_cap_hits;
    kind = EdgeKind::kParam;
  }
  if (kind == EdgeKind::kLiteral) {
    const uint32_t child = trie_.Add(node, EdgeKind::kLiteral, segment.text);
    if (child != kNone) {
      created = true;
      NoteSharing(child);
    }
    return child;
  }
  uint32_t child = trie_.Find(node, kind, {});
  if (child == kNone) {
    child = trie_.Add(node, kind, {});
    created = child != kNone;
  }
  return child;
}

void PathTemplater::AppendOffTrie(const PathSegment& segment, bool unknown_literal_is_param,
                                  std::string& out) const {
  const EdgeKind kind = ShapeOf(segment);
  if (kind != EdgeKind::kLiteral) {
    out += TokenText(kind);
  } else {
    out += unknown_literal_is_param ? kParamToken : segment.text;
  }
}

std::string_view PathTemplater::Observe(std::string_view path) {
  tokenizer_.Tokenize(path, PathTokenizer::Mode::kRequestPath);
  const std::span<const PathSegment> segments = tokenizer_.segments();
  template_.clear();
  uint32_t node = kRoot;
  trie_.AddHit(node);
  size_t first_created = SIZE_MAX;
  bool node_cap_hit = false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const PathSegment& segment = segments[i];
    if (segment.truncated) ++stats_.long_segments;
    template_.push_back('/');
    if (node != kNone) {
      bool created = false;
      const uint32_t child = Learn(node, segment, created);
      if (child != kNone) {
        if (created && first_created == SIZE_MAX) first_created = i;
        trie_.AddHit(child);
        AppendNode(trie_, child, template_);
        node = child;
        continue;
      }
      node_cap_hit = true;
      node = kNone;
    }
    // Only a full trie gets here: render without learning, every unknown literal as {param}
    // so that what overflows the cap cannot mint new templates either.
    AppendOffTrie(segment, /*unknown_literal_is_param=*/true, template_);
  }
  if (node_cap_hit) ++stats_.node_cap_hits;
  if (tokenizer_.too_deep()) {
    ++stats_.depth_cap_hits;
    template_.push_back('/');
    template_ += kTailToken;
  }
  if (template_.empty()) template_.push_back('/');
  if (first_created != SIZE_MAX && SettlePath(segments, first_created)) {
    // The merge may have changed this very path's template.
    trie_.CompactLabels();
    Render(tokenizer_, template_);
  }
  return template_;
}

void PathTemplater::Render(const PathTokenizer& tokens, std::string& out) const {
  out.clear();
  uint32_t node = kRoot;
  for (const PathSegment& segment : tokens.segments()) {
    out.push_back('/');
    if (node != kNone) {
      const uint32_t child = Route(node, segment);
      if (child != kNone) {
        AppendNode(trie_, child, out);
        node = child;
        continue;
      }
    }
    // What Observe would answer: a new literal is learned as itself unless its position is a
    // parameter already or the trie is full.
    const bool literal_is_param = trie_.full() || (node != kNone && PositionIsParameter(node));
    AppendOffTrie(segment, literal_is_param, out);
    node = kNone;
  }
  if (tokens.too_deep()) {
    out.push_back('/');
    out += kTailToken;
  }
  if (out.empty()) out.push_back('/');
}

std::string PathTemplater::Lookup(std::string_view path_or_template) const {
  PathTokenizer tokens(limits_.max_depth, limits_.max_segment_bytes);
  tokens.Tokenize(path_or_template, PathTokenizer::Mode::kTemplate);
  std::string out;
  Render(tokens, out);
  return out;
}

size_t PathTemplater::MemoryBytes() const {
  return sizeof(*this) + trie_.MemoryBytes() + tokenizer_.MemoryBytes() + template_.capacity();
}

}  // namespace apisensor::templating
