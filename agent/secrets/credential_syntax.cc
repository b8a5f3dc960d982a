#include "agent/secrets/credential_syntax.h"

#include <string_view>

namespace apisensor::secrets {
namespace {

constexpr size_t kMaxSchemeLength = 32;  // registered schemes are short words

bool IsTokenChar(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && IsWhitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWhitespace(s.back())) s.remove_suffix(1);
  return s;
}

AuthorizationParts SplitAuthorization(std::string_view value) {
  value = TrimWhitespace(value);
  size_t end = 0;
  while (end < value.size() && IsTokenChar(value[end])) ++end;
  if (end == 0 || end > kMaxSchemeLength || end == value.size() || !IsWhitespace(value[end])) {
    return {{}, value};
  }
  return {value.substr(0, end), TrimWhitespace(value.substr(end))};
}

}  // namespace apisensor::secrets
