// Candidate checks for phone numbers. Plain digit runs are never phones (they are ids,
// timestamps, amounts, card numbers), so a number needs a '+' country prefix or a North American
// layout with parentheses or consistent separators.
#include <array>
#include <string_view>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

constexpr int kMinE164Digits = 8;   // shortest country code + subscriber numbers in use
constexpr int kMaxE164Digits = 15;  // ITU-T E.164
constexpr size_t kMaxGroups = 8;

// What may precede a '+' that starts a phone number: a field or word boundary. Letters, digits
// and base64 characters mean the '+' is an operator, an exponent or base64 data.
bool IsPhoneLeadIn(char c) {
  return std::string_view(" \t\r\n\"':=([{,;<>").find(c) != std::string_view::npos || c == '\0';
}

bool IsPhoneSeparator(char c) { return c == ' ' || c == '-' || c == '.'; }

// NANP: area code and exchange start with 2-9 and are not N11 service codes; area codes with a
// middle 9 are reserved for expansion.
bool IsNanpAreaAndExchange(std::string_view area, std::string_view exchange) {
  if (area[1] == '9' || (area[1] == '1' && area[2] == '1')) return false;
  return !(exchange[1] == '1' && exchange[2] == '1');
}

bool EndsAsNumber(std::string_view text, size_t end) {
  const char after = CharAt(text, end);
  if (IsWordChar(after)) return false;
  return !(IsPhoneSeparator(after) && IsDigit(CharAt(text, end + 1)));
}

}  // namespace

KindSet CheckPhoneInternational(const Match& m, CheckState&) {
  // The pattern is "+" or "%2B" then a digit 1-9; `begin` is the prefix, end - 1 the digit.
  if (!IsPhoneLeadIn(CharBefore(m.text, m.begin))) return {};
  std::array<int, kMaxGroups> groups{};
  size_t group = 0;
  int digits = 0;
  bool open_paren = false;
  char separator = '\0';  // the first separator used; a date's dashes are told apart by it
  char previous = '+';
  // The last separator outside parentheses: where the number ends if the digits that follow
  // would make it too long (+1 415 555 2671 4111… is a phone, then something else).
  struct Boundary {
    size_t pos = 0;
    int digits = 0;
    size_t groups = 0;
  };
  Boundary boundary;
  bool cut_at_boundary = false;
  size_t pos = m.end - 1;
  for (; pos < m.text.size(); ++pos) {
    const char c = m.text[pos];
    if (IsDigit(c)) {
      if (++digits > kMaxE164Digits) {
        if (boundary.digits == 0) return {};
        cut_at_boundary = true;
        break;
      }
      ++groups[group];
    } else if (IsPhoneSeparator(c) || c == '(' || c == ')') {
      const char next = CharAt(m.text, pos + 1);
      if (c == '(') {
        if (open_paren || !IsDigit(next)) break;
        open_paren = true;
      } else if (c == ')') {
        if (!open_paren || !IsDigit(previous)) break;
        open_paren = false;
      } else {
        if (!IsDigit(previous) && previous != ')') break;
        if (!IsDigit(next) && next != '(') break;
        if (separator == '\0') separator = c;
      }
      if (IsDigit(previous) && ++group == kMaxGroups) return {};
      if (IsPhoneSeparator(c) && !open_paren) boundary = {pos, digits, group};
    } else {
      break;
    }
    previous = c;
  }
  size_t group_count = IsDigit(previous) ? group + 1 : group;
  if (cut_at_boundary) {
    pos = boundary.pos;
    digits = boundary.digits;
    group_count = boundary.groups;
    open_paren = false;
  }
  if (open_paren || digits < kMinE164Digits || IsWordChar(CharAt(m.text, pos))) {
    return {};
  }
  // +2024-11-23 is a signed ISO date.
  const bool iso_date =
      separator == '-' && group_count == 3 && groups[0] == 4 && groups[1] == 2 && groups[2] == 2;
  return ConfirmedIf(!iso_date, Kind::kPhone);
}

KindSet CheckPhoneNanpParenthesised(const Match& m, CheckState&) {
  // "(AAA)EEE-XXXX" or "(AAA) EEE-XXXX": the exchange follows the ')' and the optional space.
  if (IsWordChar(CharBefore(m.text, m.begin)) || !EndsAsNumber(m.text, m.end)) {
    return {};
  }
  const std::string_view number = m.text.substr(m.begin, m.end - m.begin);
  const size_t exchange_at = number[5] == ' ' ? 6 : 5;
  return ConfirmedIf(IsNanpAreaAndExchange(number.substr(1, 3), number.substr(exchange_at, 3)),
                     Kind::kPhone);
}

KindSet CheckPhoneNanpSeparated(const Match& m, CheckState&) {
  // "AAA-EEE-XXXX" or "AAA.EEE.XXXX".
  const char before = CharBefore(m.text, m.begin);
  if (IsWordChar(before) || !EndsAsNumber(m.text, m.end)) return {};
  if (IsPhoneSeparator(before) || before == '/') {
    // Only a trunk prefix may be joined in front: 1-415-555-2671, +1.415.555.2671.
    const bool trunk_prefix = CharBefore(m.text, m.begin, 2) == '1' &&
                              !IsWordChar(CharBefore(m.text, m.begin, 3)) && before != '/';
    if (!trunk_prefix) return {};
  }
  const std::string_view number = m.text.substr(m.begin, m.end - m.begin);
  return ConfirmedIf(IsNanpAreaAndExchange(number.substr(0, 3), number.substr(4, 3)), Kind::kPhone);
}

}  // namespace apisensor::sensitive
