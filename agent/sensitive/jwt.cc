#include "agent/sensitive/jwt.h"

#include <array>
#include <cstdint>
#include <string_view>

#include "agent/sensitive/json_shape.h"
#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

int Base64UrlValue(char c) {
  if (IsUpper(c)) return c - 'A';
  if (IsLower(c)) return c - 'a' + 26;
  if (IsDigit(c)) return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

JwtHeaderVerdict CheckJwtHeader(std::string_view encoded) {
  if (encoded.size() > kMaxJwtHeaderChars) return JwtHeaderVerdict::kTooLong;
  if (encoded.size() % 4 == 1) return JwtHeaderVerdict::kNotAHeader;  // no byte ends there
  std::array<char, (kMaxJwtHeaderChars * 3) / 4 + 1> decoded;
  size_t length = 0;
  uint32_t bits = 0;
  int pending = 0;
  for (char c : encoded) {
    const int value = Base64UrlValue(c);
    if (value < 0) return JwtHeaderVerdict::kNotAHeader;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      decoded[length++] = static_cast<char>((bits >> pending) & 0xff);
    }
  }
  const std::string_view header(decoded.data(), length);
  return JsonObjectHasStringMember(header, "alg") ? JwtHeaderVerdict::kHeader
                                                  : JwtHeaderVerdict::kNotAHeader;
}

}  // namespace apisensor::sensitive
