// Splits a request path (or a template handed back to PathTemplater::Lookup) into canonical
// segments. Normalisation, in order:
//   - anything from the first '?' or '#' is dropped; an absolute-form "http[s]://authority"
//     prefix is dropped;
//   - '/' separates segments; empty segments vanish, so "//a///b/" is "/a/b" and a trailing
//     slash is not significant; no leading slash is needed ("a/b" is "/a/b");
//   - in each segment, everything from the first raw ';' is dropped (matrix parameters,
//     ";jsessionid=...");
//   - percent-escapes are decoded, then every byte outside the URI-safe set (unreserved,
//     sub-delims but ';', ':' and '@') is written as %XX with upper-case hex: "%7e", "~" and "%7E"
//     are one segment, "%2F" stays inside its segment, NUL, control bytes, non-UTF-8 and UTF-8
//     alike come out as %XX. A canonical segment is therefore always printable ASCII and canonical
//     again when tokenized a second time;
//   - "." segments vanish and ".." removes the previous segment (never above the root), after
//     decoding, so "%2e%2E" counts;
//   - a segment whose canonical form exceeds max_segment_bytes keeps its first
//     max_segment_bytes bytes and is marked truncated;
//   - only the first max_depth segments are kept (after dot removal); too_deep() says so.
// In kTemplate mode a segment that is exactly a parameter token ("{id}", "{param}", ...) is
// returned as that token, and "{...}" ends the path as if it were too deep.
// Buffers are reused across calls and reserved up front (max_depth segments, 512 canonical
// bytes), so steady traffic does not allocate; a longer path grows them once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/templating/template_tokens.h"

namespace apisensor::templating {

struct PathSegment {
  std::string_view text;                // canonical bytes; valid until the next Tokenize
  EdgeKind token = EdgeKind::kLiteral;  // a parameter token (kTemplate mode only)
  bool truncated = false;               // text holds only the first max_segment_bytes bytes
};

class PathTokenizer {
 public:
  enum class Mode { kRequestPath, kTemplate };

  PathTokenizer(size_t max_depth, size_t max_segment_bytes);

  void Tokenize(std::string_view path, Mode mode);

  std::span<const PathSegment> segments() const { return segments_; }
  // Segments beyond max_depth were dropped (or a template ended in "{...}").
  bool too_deep() const { return too_deep_; }
  size_t MemoryBytes() const;

 private:
  struct Span {
    uint32_t offset;
    uint32_t length;
    EdgeKind token;
    bool truncated;
  };

  // Appends the canonical form of `raw` to bytes_; returns whether it had to be cut.
  bool AppendCanonical(std::string_view raw);

  size_t max_depth_;
  size_t max_segment_bytes_;
  std::string bytes_;
  std::vector<Span> spans_;
  std::vector<PathSegment> segments_;
  bool too_deep_ = false;
};

}  // namespace apisensor::templating
