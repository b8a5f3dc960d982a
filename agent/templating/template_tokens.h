// The parameter tokens a template may contain, and the kind of edge each one is in the template
// trie. Shared by the tokenizer (which recognises tokens in templates given back to Lookup), the
// trie and the templater, so all three spell them the same way.
#pragma once

#include <cstdint>
#include <string_view>

namespace apisensor::templating {

inline constexpr std::string_view kIdToken = "{id}";
inline constexpr std::string_view kDateToken = "{date}";
inline constexpr std::string_view kEmailToken = "{email}";
inline constexpr std::string_view kParamToken = "{param}";
// Last segment of a template whose path was deeper than TemplaterLimits::max_depth.
inline constexpr std::string_view kTailToken = "{...}";

// What a trie edge (one template segment) stands for.
enum class EdgeKind : uint8_t { kLiteral, kId, kDate, kEmail, kParam };

inline std::string_view TokenText(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kId:
      return kIdToken;
    case EdgeKind::kDate:
      return kDateToken;
    case EdgeKind::kEmail:
      return kEmailToken;
    case EdgeKind::kParam:
      return kParamToken;
    case EdgeKind::kLiteral:
      break;
  }
  return {};
}

// kLiteral when `segment` is not exactly one of the parameter tokens above.
inline EdgeKind ParseToken(std::string_view segment) {
  if (segment == kIdToken) return EdgeKind::kId;
  if (segment == kParamToken) return EdgeKind::kParam;
  if (segment == kDateToken) return EdgeKind::kDate;
  if (segment == kEmailToken) return EdgeKind::kEmail;
  return EdgeKind::kLiteral;
}

}  // namespace apisensor::templating
