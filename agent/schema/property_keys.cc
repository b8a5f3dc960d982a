#include "agent/schema/property_keys.h"

#include <cstddef>

#include "agent/schema/string_formats.h"

namespace apisensor::schema {
namespace {

constexpr size_t kMinIdLength = 12;
constexpr int kMinDigitSwitches = 4;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsTokenChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
}

}  // namespace

bool LooksLikeDynamicKey(std::string_view key) {
  if (key.empty()) return false;
  bool all_digits = true;
  bool all_hex = true;
  bool all_token = true;
  bool any_digit = false;
  int switches = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool digit = IsDigit(c);
    all_digits &= digit;
    all_hex &= IsHex(c);
    all_token &= IsTokenChar(c);
    any_digit |= digit;
    if (i > 0 && digit != IsDigit(key[i - 1])) ++switches;
  }
  if (all_digits) return true;
  if (key.size() >= kMinIdLength && all_token) {
    if (all_hex && any_digit) return true;
    if (switches >= kMinDigitSwitches) return true;
  }
  // Formatted values used as keys: only worth checking when they could match.
  if (any_digit && (IsUuid(key) || IsDate(key) || IsDateTime(key) || IsIpv4(key))) return true;
  return key.find('@') != std::string_view::npos && IsEmail(key);
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;  // overlong
      if (c == 0xed) hi = 0x9f;  // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;  // overlong
      if (c == 0xf4) hi = 0x8f;  // above U+10FFFF
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace apisensor::schema
