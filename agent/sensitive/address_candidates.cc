// Candidate checks for e-mail and IP addresses.
#include <string_view>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/ip_address.h"
#include "agent/sensitive/standalone_values.h"
#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

constexpr size_t kMaxLocalPart = 64;  // RFC 5321
constexpr size_t kMaxLabel = 63;      // RFC 1035
constexpr size_t kMaxDomain = 253;    // RFC 1035, without the trailing dot
constexpr size_t kMaxIpv6TokenChars = 45;
constexpr size_t kMaxOctetDigits = 4;  // one more than valid, so 1234.1.1.1 is seen whole
constexpr size_t kMaxIpv4Chars = 20;

bool IsLocalPartChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsLabelChar(char c) { return IsAlnum(c) || c == '-'; }

// Asset names such as icon@2x.png have an address's shape; no top-level domain is a file type.
bool IsFileExtension(std::string_view tld) {
  constexpr std::string_view kExtensions[] = {
      "png",   "jpg", "jpeg", "gif", "svg",  "webp", "avif", "ico", "bmp", "tif", "tiff",
      "css",   "js",  "mjs",  "ts",  "json", "html", "htm",  "xml", "txt", "map", "woff",
      "woff2", "ttf", "otf",  "eot", "mp3",  "mp4",  "webm", "pdf", "gz",
  };
  for (std::string_view extension : kExtensions) {
    if (tld.size() != extension.size()) continue;
    bool same = true;
    for (size_t i = 0; i < tld.size() && same; ++i) same = ToLower(tld[i]) == extension[i];
    if (same) return true;
  }
  return false;
}

bool IsIpv6TokenChar(char c) { return IsHexDigit(c) || c == ':' || c == '.'; }

}  // namespace

KindSet CheckEmail(const Match& m, CheckState&) {
  // Fixed-width match: one local-part character, '@', one domain character.
  const std::string_view text = m.text;
  const size_t at = m.begin + 1;
  size_t local_begin = at;
  while (local_begin > 0 && IsLocalPartChar(text[local_begin - 1])) {
    if (at - local_begin == kMaxLocalPart) return {};
    --local_begin;
  }
  const std::string_view local = text.substr(local_begin, at - local_begin);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return {};
  }
  // Domain: dot-separated labels, at least two, the last all letters.
  size_t pos = at + 1;
  size_t labels = 0;
  std::string_view last_label;
  while (true) {
    const size_t label_begin = pos;
    while (pos < text.size() && IsLabelChar(text[pos]) && pos - label_begin <= kMaxLabel) ++pos;
    const std::string_view label = text.substr(label_begin, pos - label_begin);
    if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-') {
      return {};
    }
    ++labels;
    last_label = label;
    if (pos - (at + 1) > kMaxDomain) return {};
    // A dot continues the domain only when a label follows ("write to a@b.com." ends here).
    if (CharAt(text, pos) != '.' || !IsLabelChar(CharAt(text, pos + 1))) break;
    ++pos;
  }
  if (labels < 2 || last_label.size() < 2) return {};
  for (char c : last_label) {
    if (!IsAlpha(c)) return {};
  }
  return ConfirmedIf(!IsFileExtension(last_label), Kind::kEmail);
}

KindSet CheckIpv4(const Match& m, CheckState&) {
  // The pattern is d.d{1,3}.d{1,3}.d: from the last group's first digit, find both ends.
  const std::string_view text = m.text;
  size_t end = m.end;
  while (end < text.size() && IsDigit(text[end]) && end - m.end < kMaxOctetDigits) ++end;
  size_t begin = m.end - 1;  // the last group's first digit
  for (int dots = 0; dots < 3; ++dots) {
    --begin;  // the dot
    while (begin > 0 && IsDigit(text[begin - 1]) && m.end - begin < kMaxIpv4Chars) --begin;
  }
  const char before = CharBefore(text, begin);
  // 1.2.3.4.5 and a.1.2.3.4 are longer dotted strings; Chrome/1.2.3.4 is a product version.
  if (IsWordChar(before) || before == '.' ||
      (before == '/' && IsAlnum(CharBefore(text, begin, 2)))) {
    return {};
  }
  const char after = CharAt(text, end);
  if (IsWordChar(after) || (after == '.' && IsAlnum(CharAt(text, end + 1))) ||
      (after == '-' && IsAlpha(CharAt(text, end + 1)))) {  // 1.2.3.4-beta
    return {};
  }
  return ConfirmedIf(IsValidIpv4(text.substr(begin, end - begin)), Kind::kIpAddress);
}

bool IsStandaloneIpv6(std::string_view text, size_t begin, size_t end) {
  if (end - begin > kMaxIpv6TokenChars + 2) return false;
  if (begin < end && text[begin] == ':' && CharAt(text, begin + 1) != ':') ++begin;  // "ip:…"
  while (end > begin && text[end - 1] == '.') --end;  // a sentence's full stop
  if (begin == end) return false;
  const char before = CharBefore(text, begin);
  const char after = CharAt(text, end);
  if (IsWordChar(before) || before == '.' || IsWordChar(after) ||
      (after == '.' && IsAlnum(CharAt(text, end + 1)))) {
    return false;
  }
  return IsPlausibleIpv6(text.substr(begin, end - begin));
}

KindSet CheckIpv6(const Match& m, CheckState& state) {
  // Either IPv6 anchor: the token is the maximal run of hex digits, colons and dots around it.
  if (m.end <= state.ipv6_checked_until) return {};  // token already judged
  const std::string_view text = m.text;
  size_t begin = m.end;
  while (begin > 0 && IsIpv6TokenChar(text[begin - 1]) && m.end - begin <= kMaxIpv6TokenChars) {
    --begin;
  }
  size_t end = m.end;
  while (end < text.size() && IsIpv6TokenChar(text[end]) && end - begin <= kMaxIpv6TokenChars) {
    ++end;
  }
  state.ipv6_checked_until = end;
  if (IsIpv6TokenChar(CharBefore(text, begin)) || IsIpv6TokenChar(CharAt(text, end))) return {};
  return ConfirmedIf(IsStandaloneIpv6(text, begin, end), Kind::kIpAddress);
}

}  // namespace apisensor::sensitive
