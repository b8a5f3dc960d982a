// Turns the request paths observed for one service into endpoint templates, learning from
// traffic: /users/123/orders/9f8c2a1e-... -> /users/{id}/orders/{id}.
//
// A segment becomes a parameter in one of two ways:
//   - by its own shape (segment_classifier.h): {id} for integers, UUIDs, hex, ObjectIds and
//     high-entropy tokens, {date}, {email}. Always, wherever it appears, and whatever the
//     literal siblings: /users/{id} and /users/me coexist;
//   - by cardinality, into {param}: when the literal siblings at one position that look alike
//     number more than cardinality_threshold (see "Merge rule" below).
//
// Merge rule. Under one parent, a literal child "looks alike" when it is a leaf, or when one of
// its literal children is also a literal child of another sibling (tenants: /v1/acme/orders and
// /v1/globex/orders share "orders"). Leaves count only where they are at least as many as the
// sharing siblings (slug-like positions), and never at the root (its leaves are pages and
// files: /health, /favicon.ico). A sibling survives the merge as a literal when
//   - its subtree is its own (it has children, none of whose names a sibling shares):
//     /api/v1/users/{id}, /api/v1/orders/{id} and 30 more resources never merge, and /v1/users
//     with its own subtree stays next to /v1/{param}/orders; or
//   - it is frequent: at least a quarter of the hits of all literal siblings and four times
//     their average (/blog/feed polled by every reader).
// When more than cardinality_threshold siblings would merge, they are folded into the {param}
// child (their subtrees united), the parent is marked merged and generation() increases. From
// then on a new literal at that position is {param}; survivors keep their names. Parameters
// classified by shape never count towards the threshold and never merge, so a few static
// siblings of an {id} (me, search) stay literal however many ids are seen.
//
// Caps (each overflow counted in TemplaterStats):
//   - max_nodes: no node is created beyond it; the rest of the path is rendered without
//     learning: classified segments as their parameter, other literals as {param};
//   - max_children_per_node literal children: a new literal beyond it goes to {param} (the
//     existing ones keep their names). A fold may leave a {param} node with more;
//   - max_depth segments: deeper segments are replaced by one final "{...}" segment, so every
//     path deeper than the cap under the same prefix shares one template;
//   - max_segment_bytes: a longer segment is never a literal: {id} if its first bytes classify
//     as an id, {param} otherwise.
// Normalisation of paths is PathTokenizer's (path_tokenizer.h): no query, repeated and trailing
// slashes collapse, dot segments resolve, percent-escapes canonical; templates are printable
// ASCII. Not thread-safe: one templater per service, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "agent/templating/path_tokenizer.h"
#include "agent/templating/segment_classifier.h"
#include "agent/templating/template_tokens.h"
#include "agent/templating/template_trie.h"

namespace apisensor::templating {

struct TemplaterLimits {
  size_t cardinality_threshold = 20;   // more alike literal siblings than this merge; >= 1
  size_t max_nodes = 20000;            // trie nodes, root included
  size_t max_children_per_node = 256;  // literal children; <= 65535
  size_t max_depth = 32;               // segments; 1..512
  size_t max_segment_bytes = 256;      // canonical bytes; 8..4096
};

struct TemplaterStats {
  uint64_t merges = 0;             // cardinality merges (each one bumps generation())
  uint64_t literals_merged = 0;    // literal siblings folded into {param} by those merges
  uint64_t node_cap_hits = 0;      // Observe calls that could not learn a node
  uint64_t children_cap_hits = 0;  // new literals sent to {param} by the children cap
  uint64_t depth_cap_hits = 0;     // Observe calls whose path was cut to max_depth
  uint64_t long_segments = 0;      // segments longer than max_segment_bytes
};

class PathTemplater {
 public:
  explicit PathTemplater(TemplaterLimits limits = {});

  // `path` is the request path, ideally without its query (anything from '?' is ignored).
  // Learns from it and returns its template, valid until the next non-const call. Does not
  // allocate once the template is learned, whatever new values fill its parameters.
  std::string_view Observe(std::string_view path);

  // The current template of a raw path, or of a template returned earlier (its "{id}",
  // "{param}", ... segments are read as parameters and "{...}" as the depth tail), without
  // learning. After a merge, Lookup("/v1/acme/orders") and Lookup of the template Observe
  // returned for it before the merge both give "/v1/{param}/orders". A segment the templater
  // has not learned is rendered as Observe would render it now.
  std::string Lookup(std::string_view path_or_template) const;

  // Increases with every merge, i.e. whenever templates returned earlier may have changed.
  uint64_t generation() const { return generation_; }
  const TemplaterStats& stats() const { return stats_; }
  const TemplaterLimits& limits() const { return limits_; }
  size_t node_count() const { return trie_.node_count(); }
  size_t MemoryBytes() const;  // approximate: trie, buffers

 private:
  // One step down the trie for `segment`: the child, or kNone when it is not there (Route) or
  // cannot be created (Learn). `created` tells whether Learn made it.
  uint32_t Route(uint32_t node, const PathSegment& segment) const;
  uint32_t Learn(uint32_t node, const PathSegment& segment, bool& created);
  // The edge kind a segment takes when it is not a known literal child of `node`.
  EdgeKind NonLiteralEdge(uint32_t node, const PathSegment& segment) const;
  bool PositionIsParameter(uint32_t node) const;
  void AppendOffTrie(const PathSegment& segment, bool unknown_literal_is_param,
                     std::string& out) const;
  void Render(const PathTokenizer& tokens, std::string& out) const;

  // Merge policy (sibling_merge.cc).
  void NoteSharing(uint32_t new_literal);
  // Whether any merge happened.
  bool SettlePath(std::span<const PathSegment> segments, size_t first_created_depth);
  void Settle(uint32_t node);
  void RefreshSharing(uint32_t node);
  bool TryMerge(uint32_t node);

  TemplaterLimits limits_;
  TemplaterStats stats_;
  uint64_t generation_ = 0;
  TemplateTrie trie_;
  PathTokenizer tokenizer_;
  std::string template_;  // what Observe returns
};

}  // namespace apisensor::templating
