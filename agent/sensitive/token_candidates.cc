// Candidate checks for IBANs in groups of four and credentials (JWTs, private keys, cloud access
// keys).
#include <array>
#include <string_view>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/iban.h"
#include "agent/sensitive/jwt.h"
#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

constexpr size_t kMaxIbanLength = 34;
constexpr size_t kMinSlackTokenLength = 30;
constexpr size_t kMaxSlackTokenLength = 256;
constexpr size_t kMinKeyMaterial = 16;  // base64 characters after a private key's BEGIN line
constexpr size_t kMaxKeyPreamble = 16;  // line breaks and blanks between BEGIN line and data

bool IsIbanChar(char c) { return IsUpper(c) || IsDigit(c); }

}  // namespace

KindSet CheckIbanGrouped(const Match& m, CheckState&) {
  // The pattern is "CCdd xxxx " (country, check digits, first group, space); the rest follows in
  // groups of four separated by single spaces, the last group possibly shorter.
  const size_t length = IbanLengthForCountry(m.text.substr(m.begin, 2));
  if (length == 0 || IsWordChar(CharBefore(m.text, m.begin))) return {};
  std::array<char, kMaxIbanLength> compact;
  size_t count = 0;
  size_t pos = m.begin;
  while (count < length) {
    const char c = CharAt(m.text, pos);
    if (c == ' ') {
      // Groups are four wide and separated by one space.
      if (count % 4 != 0 || CharBefore(m.text, pos) == ' ') return {};
      ++pos;
      continue;
    }
    if (!IsIbanChar(c)) return {};
    compact[count++] = c;
    ++pos;
  }
  if (IsWordChar(CharAt(m.text, pos))) return {};
  return ConfirmedIf(IsValidIban(std::string_view(compact.data(), count)), Kind::kIban);
}

KindSet CheckJwt(const Match& m, CheckState& state) {
  // The pattern is eyJ<base64url>{8,}\.<base64url>: it ends at the payload's first character.
  const std::string_view text = m.text;
  const size_t first_dot = m.end - 2;
  size_t header_begin = first_dot;
  while (header_begin > 0 && IsBase64UrlChar(text[header_begin - 1])) {
    if (first_dot - header_begin > kMaxJwtHeaderChars) {
      ++state.oversized;
      return {};
    }
    --header_begin;
  }
  const std::string_view header = text.substr(header_begin, first_dot - header_begin);
  if (!header.starts_with("eyJ")) return {};  // "eyJ" inside a longer token
  // The payload must be followed by the second dot, unless the sample stops inside it.
  size_t pos = m.end;
  while (pos < text.size() && IsBase64UrlChar(text[pos])) ++pos;
  if (pos < text.size() && text[pos] != '.') return {};
  const JwtHeaderVerdict verdict = CheckJwtHeader(header);
  if (verdict == JwtHeaderVerdict::kTooLong) ++state.oversized;
  return ConfirmedIf(verdict == JwtHeaderVerdict::kHeader, Kind::kJwt);
}

KindSet CheckPrivateKeyMarker(const Match& m, CheckState&) {
  // A BEGIN line counts when key material follows: blank lines (raw or JSON-escaped), then
  // RFC 1421 headers (Proc-Type: ...) or base64. A sample that stops right after the line counts
  // too: the marker alone is specific enough, and 4 KiB samples cut keys short.
  const std::string_view text = m.text;
  size_t pos = m.end;
  for (size_t skipped = 0; skipped < kMaxKeyPreamble && pos < text.size(); ++skipped) {
    const char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++pos;
    } else if (c == '\\' && (CharAt(text, pos + 1) == 'n' || CharAt(text, pos + 1) == 'r')) {
      pos += 2;
    } else {
      break;
    }
  }
  if (pos >= text.size()) return {Kind::kPrivateKey};
  size_t run = 0;
  while (run < kMinKeyMaterial && IsBase64Char(CharAt(text, pos + run))) ++run;
  if (run == kMinKeyMaterial) return {Kind::kPrivateKey};
  if (pos + run == text.size()) return {Kind::kPrivateKey};  // sample cut inside the first line
  // "Proc-Type: 4,ENCRYPTED" and PGP armor headers ("Version: ...").
  size_t name = 0;
  while (IsAlpha(CharAt(text, pos + name)) || CharAt(text, pos + name) == '-') ++name;
  return ConfirmedIf(name > 0 && CharAt(text, pos + name) == ':', Kind::kPrivateKey);
}

KindSet CheckStandaloneKey(const Match& m, CheckState&) {
  return ConfirmedIf(
      !IsBase64UrlChar(CharBefore(m.text, m.begin)) && !IsBase64UrlChar(CharAt(m.text, m.end)),
      Kind::kCloudAccessKey);
}

KindSet CheckKeyPrefix(const Match& m, CheckState&) {
  return ConfirmedIf(!IsBase64UrlChar(CharBefore(m.text, m.begin)), Kind::kCloudAccessKey);
}

KindSet CheckSlackToken(const Match& m, CheckState&) {
  // The pattern is xox[abprs]-<alnum>{1,40}-<alnum>: it ends one past the second dash.
  const std::string_view text = m.text;
  size_t begin = m.end - 2;  // the second dash
  while (begin > 0 && IsAlnum(text[begin - 1])) --begin;
  if (begin < 5) return {};
  begin -= 5;  // "xoxb-"
  if (!text.substr(begin).starts_with("xox") || IsWordChar(CharBefore(text, begin))) {
    return {};
  }
  // Real tokens run to 40 characters and more; short ones are placeholders or ids.
  size_t end = m.end;
  while (end < text.size() && (IsAlnum(text[end]) || text[end] == '-')) {
    if (++end - begin > kMaxSlackTokenLength) return {};
  }
  return ConfirmedIf(end - begin >= kMinSlackTokenLength, Kind::kCloudAccessKey);
}

}  // namespace apisensor::sensitive
