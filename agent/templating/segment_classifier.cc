#include "agent/templating/segment_classifier.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace apisensor::templating {
namespace {

enum CharClass : uint8_t {
  kDigit = 1 << 0,
  kLower = 1 << 1,
  kUpper = 1 << 2,
  kHexLetter = 1 << 3,
  kTokenSeparator = 1 << 4,  // joins the runs of a token: - _ +
  kEmailLocal = 1 << 5,      // besides letters and digits, in the local part of an address
};

constexpr std::array<uint8_t, 256> MakeClassTable() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] |= kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kLower;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kUpper;
  for (int c = 'a'; c <= 'f'; ++c) t[c] |= kHexLetter;
  for (int c = 'A'; c <= 'F'; ++c) t[c] |= kHexLetter;
  for (char c : std::string_view("-_+")) t[static_cast<uint8_t>(c)] |= kTokenSeparator;
  for (char c : std::string_view("._+-")) t[static_cast<uint8_t>(c)] |= kEmailLocal;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClassTable();

uint8_t ClassOf(char c) { return kClass[static_cast<uint8_t>(c)]; }
bool IsDigit(char c) { return ClassOf(c) & kDigit; }
bool IsLetter(char c) { return ClassOf(c) & (kLower | kUpper); }
bool IsAlnum(char c) { return ClassOf(c) & (kDigit | kLower | kUpper); }
bool IsHex(char c) { return ClassOf(c) & (kDigit | kHexLetter); }

// One pass over the segment; every rule below reads these.
struct Census {
  size_t digits = 0;
  size_t lower = 0;
  size_t upper = 0;
  size_t lower_hex = 0;  // a-f
  size_t upper_hex = 0;  // A-F
  size_t separators = 0;
  size_t underscores_or_plus = 0;
  size_t dots = 0;
  size_t ats = 0;
  size_t trailing_equals = 0;
  bool other = false;  // any byte outside [A-Za-z0-9-_+.@] and trailing '='
};

Census Count(std::string_view s) {
  Census c;
  size_t end = s.size();
  while (end > 0 && s[end - 1] == '=' && c.trailing_equals < 2) {
    --end;
    ++c.trailing_equals;
  }
  for (size_t i = 0; i < end; ++i) {
    const char ch = s[i];
    const uint8_t cls = ClassOf(ch);
    if (cls & kDigit) {
      ++c.digits;
    } else if (cls & kLower) {
      ++c.lower;
      if (cls & kHexLetter) ++c.lower_hex;
    } else if (cls & kUpper) {
      ++c.upper;
      if (cls & kHexLetter) ++c.upper_hex;
    } else if (cls & kTokenSeparator) {
      ++c.separators;
      if (ch != '-') ++c.underscores_or_plus;
    } else if (ch == '.') {
      ++c.dots;
    } else if (ch == '@') {
      ++c.ats;
    } else {
      c.other = true;
    }
  }
  return c;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool hyphen_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen_position ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

// Value of the `n` digits at `pos`, or -1 if any is not a digit.
int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

// YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm followed by seconds, fraction and zone characters.
bool IsDate(std::string_view s) {
  const int year = Digits(s, 0, 4);
  if (year < 1900 || year > 2199 || s.size() < 7 || s[4] != '-') return false;
  const int month = Digits(s, 5, 2);
  if (month < 1 || month > 12) return false;
  if (s.size() == 7) return true;
  if (s[7] != '-') return false;
  const int day = Digits(s, 8, 2);
  if (day < 1 || day > 31) return false;
  if (s.size() == 10) return true;
  if (s[10] != 'T' && s[10] != 't') return false;
  const int hour = Digits(s, 11, 2);
  const int minute = Digits(s, 14, 2);
  if (hour < 0 || hour > 23 || s.size() < 16 || s[13] != ':' || minute < 0 || minute > 59) {
    return false;
  }
  for (char c : s.substr(16)) {
    if (!IsDigit(c) && c != ':' && c != '.' && c != 'Z' && c != 'z' && c != '+' && c != '-') {
      return false;
    }
  }
  return true;
}

bool IsEmail(std::string_view s) {
  const size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = s.substr(0, at);
  const std::string_view domain = s.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') {
    return false;
  }
  for (char c : local) {
    if (!IsAlnum(c) && !(ClassOf(c) & kEmailLocal)) return false;
  }
  size_t labels = 0;
  std::string_view last_label;
  for (size_t start = 0; start <= domain.size();) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return false;
    }
    ++labels;
    last_label = label;
    start = end + 1;
  }
  if (labels < 2 || last_label.size() < 2) return false;
  for (char c : last_label) {
    if (!IsLetter(c)) return false;
  }
  return true;
}

// v1, v2, V10, v20240131: API versions stay literal however many digits they have.
bool IsVersion(std::string_view s) {
  if (s.size() < 2 || (s[0] != 'v' && s[0] != 'V')) return false;
  for (char c : s.substr(1)) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// header.payload.signature, each base64url, the header a JSON object ("eyJ" = base64 of `{"`).
bool IsJwt(std::string_view s) {
  if (s.size() < 20 || !s.starts_with("eyJ")) return false;
  size_t dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (!IsAlnum(c) && c != '-' && c != '_') {
      return false;
    }
  }
  return dots == 2 && s.find("..") == std::string_view::npos;
}

// Shape of the alphanumeric runs between token separators.
struct Runs {
  bool mixed = false;                        // a run holds both letters and digits
  size_t max_letter_digit_alternations = 0;  // within one run: a1b2 has 3
};

Runs ScanRuns(std::string_view s) {
  Runs r;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = start;
    size_t letters = 0, digits = 0, alternations = 0;
    int previous = -1;  // 0 letter, 1 digit
    while (end < s.size() && IsAlnum(s[end])) {
      const int kind = IsDigit(s[end]) ? 1 : 0;
      digits += kind;
      letters += 1 - kind;
      if (previous >= 0 && previous != kind) ++alternations;
      previous = kind;
      ++end;
    }
    if (letters > 0 && digits > 0) r.mixed = true;
    r.max_letter_digit_alternations = std::max(r.max_letter_digit_alternations, alternations);
    start = end + 1;  // skip the separator (or the padding, which ends the segment)
  }
  return r;
}

// Random mixed-case text (base64url) versus identifiers made of words (getUserProfileById,
// XMLHttpRequest). Words put most letters in lowercase runs of 3 or more; random text puts few
// there, and has "noise": single lowercase letters between other classes (aBc, 7x-) and single
// digits between letters (a7B), which camelCase words rarely produce. On 16/22/32 random
// base64url characters this misses 4.8%/1.5%/0.3% (the other token rules catch part of that);
// it flags none of a list of AWS/Google API operation names.
bool LooksRandomMixedCase(std::string_view s, const Census& c) {
  if (s.size() < 16 || c.upper < 2 || c.lower < 2) return false;
  enum { kLowerRun, kUpperRun, kDigitRun, kOtherRun };
  const auto run_class = [](char ch) {
    const uint8_t cls = ClassOf(ch);
    if (cls & kLower) return kLowerRun;
    if (cls & kUpper) return kUpperRun;
    if (cls & kDigit) return kDigitRun;
    return kOtherRun;
  };
  size_t wordy_bytes = 0;  // bytes in lowercase runs of 3 or more
  size_t noise = 0;
  for (size_t i = 0; i < s.size();) {
    const int cls = run_class(s[i]);
    size_t j = i + 1;
    while (j < s.size() && run_class(s[j]) == cls) ++j;
    const size_t length = j - i;
    if (cls == kLowerRun && length >= 3) wordy_bytes += length;
    if (cls == kLowerRun && length == 1 && i > 0) ++noise;
    if (cls == kDigitRun && length == 1 && i > 0 && j < s.size() && IsLetter(s[i - 1]) &&
        IsLetter(s[j])) {
      ++noise;
    }
    i = j;
  }
  // wordy < 30%, or wordy < 55% with at least two noise events.
  return wordy_bytes * 100 < s.size() * 30 || (wordy_bytes * 100 < s.size() * 55 && noise >= 2);
}

bool IsToken(std::string_view s, const Census& c) {
  if (c.other || c.dots > 0 || c.ats > 0 || s.size() < 6 || IsVersion(s)) return false;
  const size_t letters = c.lower + c.upper;
  if (c.trailing_equals > 0) return s.size() >= 8 && s.size() % 4 == 0 && letters > 0;
  const Runs runs = ScanRuns(s);
  // Lowercase words and numbers joined by hyphens: a slug (how-to-ship-v2-in-2024).
  const bool slug = !runs.mixed && c.upper == 0 && c.underscores_or_plus == 0;
  if (slug) return false;
  if (c.digits >= 3 && runs.max_letter_digit_alternations >= 2) return true;
  if (c.digits >= 5 && c.digits >= letters) return true;
  return LooksRandomMixedCase(s, c);
}

}  // namespace

SegmentKind ClassifySegment(std::string_view s) {
  if (s.empty()) return SegmentKind::kLiteral;
  // Numbers are the most common parameter by far: settle them before the census.
  size_t leading_digits = 0;
  while (leading_digits < s.size() && IsDigit(s[leading_digits])) ++leading_digits;
  if (leading_digits == s.size()) return SegmentKind::kInteger;
  const Census c = Count(s);
  if (IsUuid(s)) return SegmentKind::kUuid;
  const bool hex = c.digits > 0 && c.digits + c.lower_hex + c.upper_hex == s.size() &&
                   (c.lower_hex == 0 || c.upper_hex == 0);
  if (hex && s.size() == 24) return SegmentKind::kObjectId;
  if (hex && s.size() >= 8) return SegmentKind::kHex;
  if (c.ats > 0) return IsEmail(s) ? SegmentKind::kEmail : SegmentKind::kLiteral;
  if (s.size() >= 7 && s[4] == '-' && IsDate(s)) return SegmentKind::kDate;
  if (IsJwt(s)) return SegmentKind::kToken;
  if (IsToken(s, c)) return SegmentKind::kToken;
  return SegmentKind::kLiteral;
}

EdgeKind EdgeKindFor(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kLiteral:
      return EdgeKind::kLiteral;
    case SegmentKind::kDate:
      return EdgeKind::kDate;
    case SegmentKind::kEmail:
      return EdgeKind::kEmail;
    case SegmentKind::kInteger:
    case SegmentKind::kUuid:
    case SegmentKind::kHex:
    case SegmentKind::kObjectId:
    case SegmentKind::kToken:
      break;
  }
  return EdgeKind::kId;
}

}  // namespace apisensor::templating
