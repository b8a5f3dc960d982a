// ASCII character classes and bounds-safe peeks shared by the candidate checks. Everything is
// byte-oriented on purpose: bodies may be binary or invalid UTF-8, and every sensitive format the
// scanner knows is ASCII. Peeking outside the text yields '\0', which no class contains, so the
// edges of a buffer behave like a separator.
#pragma once

#include <cstddef>
#include <string_view>

namespace apisensor::sensitive {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsAlpha(char c) { return IsUpper(c) || IsLower(c); }
constexpr bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
// The regex \w of Hyperscan's ASCII mode, so C++ boundaries agree with the patterns' \b.
constexpr bool IsWordChar(char c) { return IsAlnum(c) || c == '_'; }
constexpr bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool IsBase64UrlChar(char c) { return IsAlnum(c) || c == '-' || c == '_'; }
constexpr bool IsBase64Char(char c) { return IsAlnum(c) || c == '+' || c == '/' || c == '='; }
constexpr char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// text[pos], or '\0' when pos is outside the text.
constexpr char CharAt(std::string_view text, size_t pos) {
  return pos < text.size() ? text[pos] : '\0';
}
// The byte `back` positions before pos (1 = the one just before), or '\0' before the start.
constexpr char CharBefore(std::string_view text, size_t pos, size_t back = 1) {
  return pos >= back && pos - back < text.size() ? text[pos - back] : '\0';
}

}  // namespace apisensor::sensitive
