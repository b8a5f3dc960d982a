#include "agent/schema/string_formats.h"

#include <cstddef>

namespace apisensor::schema {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The value of `n` decimal digits at s[at], or -1 when one of them is not a digit.
int Digits(std::string_view s, size_t at, size_t n) {
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!IsDigit(s[i])) return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// HH:MM at s[at], hours and minutes in range.
bool IsHourMinute(std::string_view s, size_t at) {
  if (s[at + 2] != ':') return false;
  const int hour = Digits(s, at, 2);
  const int minute = Digits(s, at + 3, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59;
}

// RFC 5321 atext plus the dot: what a dot-atom local part may hold.
bool IsLocalPartChar(char c) {
  if (IsAlnum(c)) return true;
  switch (c) {
    case '.':
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
    case '-':
      return true;
    default:
      return false;
  }
}

// Dot-separated labels of [A-Za-z0-9-], each 1..63 bytes, not starting or ending with '-'.
// `min_labels` labels at least.
bool IsHostname(std::string_view s, int min_labels) {
  if (s.empty() || s.size() > 253) return false;
  int labels = 0;
  size_t start = 0;
  while (true) {
    size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    const size_t len = end - start;
    if (len == 0 || len > 63 || s[start] == '-' || s[end - 1] == '-') return false;
    for (size_t i = start; i < end; ++i) {
      if (!IsAlnum(s[i]) && s[i] != '-') return false;
    }
    ++labels;
    if (end == s.size()) break;
    start = end + 1;
  }
  return labels >= min_labels;
}

bool StartsWithNoCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// Bytes RFC 3986 never allows unescaped: controls, space, DEL, and "<>\"\\^`{|}". Bytes above
// 0x7f are let through: IRIs in the wild carry UTF-8.
bool IsForbiddenInUri(unsigned char c) {
  if (c <= 0x20 || c == 0x7f) return true;
  switch (c) {
    case '"':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  const int year = Digits(s, 0, 4);
  const int month = Digits(s, 5, 2);
  const int day = Digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= DaysInMonth(year, month);
}

bool IsDateTime(std::string_view s) {
  // full-date T HH:MM:SS, then the fraction and the offset.
  if (s.size() < 20 || !IsDate(s.substr(0, 10))) return false;
  if (s[10] != 'T' && s[10] != 't') return false;
  if (!IsHourMinute(s, 11) || s[16] != ':') return false;
  const int second = Digits(s, 17, 2);
  if (second < 0 || second > 60) return false;  // 60: leap second
  size_t i = 19;
  if (s[i] == '.') {
    const size_t fraction = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == fraction) return false;
  }
  if (i == s.size()) return false;
  if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  return i + 6 == s.size() && IsHourMinute(s, i + 1);
}

bool IsEmail(std::string_view s) {
  if (s.size() < 3 || s.size() > 254) return false;
  const size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = s.substr(0, at);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!IsLocalPartChar(c)) return false;
  }
  return IsHostname(s.substr(at + 1), 2);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool hyphen_place = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen_place ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

bool IsIpv4(std::string_view s) {
  if (s.size() < 7 || s.size() > 15) return false;
  int parts = 0;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    int value = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 3) value = value * 10 + (s[i++] - '0');
    const size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool IsHttpUri(std::string_view s) {
  size_t rest;
  if (StartsWithNoCase(s, "http://")) {
    rest = 7;
  } else if (StartsWithNoCase(s, "https://")) {
    rest = 8;
  } else {
    return false;
  }
  if (rest == s.size() || s[rest] == '/' || s[rest] == '?' || s[rest] == '#') return false;
  for (size_t i = rest; i < s.size(); ++i) {
    if (IsForbiddenInUri(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

uint8_t MatchFormats(std::string_view value, uint8_t candidates) {
  uint8_t matched = 0;
  auto check = [&](StringFormat format, bool (*matches)(std::string_view)) {
    const uint8_t bit = FormatBit(format);
    if ((candidates & bit) && matches(value)) matched |= bit;
  };
  check(StringFormat::kDateTime, IsDateTime);
  check(StringFormat::kDate, IsDate);
  check(StringFormat::kUuid, IsUuid);
  check(StringFormat::kIpv4, IsIpv4);
  check(StringFormat::kUri, IsHttpUri);
  check(StringFormat::kEmail, IsEmail);
  return matched;
}

}  // namespace apisensor::schema
