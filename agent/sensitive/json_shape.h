// Just enough JSON to tell whether a decoded JWT header is JSON: a strict, non-allocating
// RFC 8259 validator for one object, with nesting capped so hostile input cannot exhaust the
// stack. Member names are compared as written (escapes are not decoded).
#pragma once

#include <string_view>

namespace apisensor::sensitive {

inline constexpr int kMaxJsonDepth = 16;

// True when `json` is exactly one JSON object (whitespace around it allowed) that has a
// top-level member named `name` whose value is a string. Deeper nesting than kMaxJsonDepth is
// treated as invalid.
bool JsonObjectHasStringMember(std::string_view json, std::string_view name);

}  // namespace apisensor::sensitive
