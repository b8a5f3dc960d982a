// A segment trie over (method, path template) pairs, answering per exchange which declared
// template an observed path belongs to, without allocating and without scanning every template.
//
// Priority follows OpenAPI ("concrete paths match before templated ones"), segment by segment
// from the left: a literal segment, then a pattern with literal text ("{name}.json", most literal
// bytes first), then a bare parameter. The search backtracks, so "/pets/mine" declared for GET
// only does not hide "/pets/{id}" declared for DELETE; it visits each trie node at most once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::openapi {

// The methods OpenAPI can declare: GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE.
inline constexpr size_t kMethodCount = 8;
// Index of an upper-case method among those; nullopt for any other text (methods are
// case-sensitive in HTTP).
std::optional<size_t> MethodIndex(std::string_view method);
std::string_view MethodName(size_t index);

class PathIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // A template or path with more segments than this never matches.
  static constexpr size_t kMaxSegments = 64;
  static constexpr size_t kMaxTemplateBytes = 4096;

  enum class AddResult : uint8_t { kAdded, kDuplicate, kInvalid };

  // Declares `value` for `method` on `template_path`. An equal template (parameter names and a
  // trailing slash aside) already holding that method keeps its value: kDuplicate. kInvalid,
  // with `error` set, for a method outside the eight or a malformed template.
  AddResult Add(std::string_view method, std::string_view template_path, uint32_t value,
                std::string* error = nullptr);

  struct Match {
    uint32_t value = kNone;  // the value declared for the method, kNone when there is none
    bool path_matched = false;
    // The template that matched: the method's when value != kNone, otherwise the first path
    // that matched whatever its methods ("" when none did). Points into the index.
    std::string_view template_path;
  };
  // `path` has no query string.
  Match Find(std::string_view method, std::string_view path) const;

  size_t template_count() const { return endpoints_.size(); }

 private:
  struct PatternChild {
    std::string key;
    std::vector<std::string> pieces;
    size_t literal_bytes = 0;
    uint32_t node = kNone;
  };
  struct Node {
    std::vector<std::pair<std::string, uint32_t>> literals;  // sorted by text
    std::vector<PatternChild> patterns;  // most literal bytes first, then by key
    uint32_t parameter = kNone;
    uint32_t endpoint = kNone;
  };
  struct Endpoint {
    std::string template_path;  // the first template added for this node
    std::array<uint32_t, kMethodCount> values;
  };

  uint32_t NewNode();
  bool Visit(uint32_t node, std::span<const std::string_view> segments, size_t depth,
             std::optional<size_t> method, Match& match) const;

  std::vector<Node> nodes_;
  std::vector<Endpoint> endpoints_;
};

}  // namespace apisensor::openapi
