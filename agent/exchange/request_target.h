// Splits an HTTP request-target (RFC 9112 §3.2) into what an API inventory needs: the authority
// when the target carries one, the path, and the query's parameter names. Query values are never
// kept: they often carry tokens and personal data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor {

struct RequestTarget {
  static constexpr size_t kMaxQueryKeys = 64;  // bounds work and output on hostile queries

  std::string_view authority;  // absolute-form and authority-form only, without any userinfo
  std::string_view path;       // "/" for absolute-form without a path, "" for authority-form
  std::vector<std::string_view> query_keys;  // first-seen order, no duplicates, none empty
  bool query_keys_truncated = false;         // more distinct keys than kMaxQueryKeys
};

// Views point into `target`. Reuses `out`'s capacity, so a long-lived `out` does not allocate.
void ParseRequestTarget(std::string_view target, RequestTarget& out);
RequestTarget ParseRequestTarget(std::string_view target);

// The media type of a Content-Type value, without parameters, trimmed and lower-cased:
// "Application/JSON; charset=utf-8" → "application/json". Returns a view into `content_type`
// when it is already lower-case (the common case), else into `scratch`, which it overwrites.
std::string_view MediaType(std::string_view content_type, std::string& scratch);

}  // namespace apisensor
