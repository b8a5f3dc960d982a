// OpenAPI path templates ("/v1/pets/{petId}", "/files/{name}.json", "/v{major}/x") cut into
// segments, and observed paths cut the same way. A parameter matches part of one segment, never
// a '/', and never nothing. A trailing slash is not significant on either side.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::openapi {

struct TemplateSegment {
  enum class Kind : uint8_t {
    kLiteral,    // "pets": equal text only
    kParameter,  // "{petId}": any non-empty segment
    kPattern,    // "{name}.json", "v{major}", "{a}-{b}": literal text around parameters
  };
  Kind kind = Kind::kLiteral;
  std::string literal;  // kLiteral: the text; kPattern: a key equal for equal patterns
  // kPattern: the literal text before, between and after its parameters (parameters + 1
  // pieces, the first and last possibly empty).
  std::vector<std::string> pieces;
};

struct ParsedTemplate {
  std::vector<TemplateSegment> segments;
  std::vector<std::string> parameter_names;  // in order of appearance
};

// nullopt, with a reason in `error`, for unbalanced braces, an empty parameter name, more than
// `max_segments` segments or more than `max_bytes` bytes.
std::optional<ParsedTemplate> ParseTemplate(std::string_view path, size_t max_segments,
                                            size_t max_bytes, std::string* error);

// True when `segment` matches `pieces` with each parameter taking at least one byte.
bool MatchesPattern(std::span<const std::string> pieces, std::string_view segment);

// Cuts an observed path (no query) into `out`: "/pets/42/" → {"pets", "42"}, "/" → {}. Stops at
// '?' or '#' should one be present. Returns the number of segments, or nullopt when there are
// more than out.size().
std::optional<size_t> SplitPath(std::string_view path, std::span<std::string_view> out);

}  // namespace apisensor::openapi
