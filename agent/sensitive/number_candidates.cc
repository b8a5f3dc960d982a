// Candidate checks for payment cards in printed layouts and national identifiers, and the
// standalone card and IBAN rules.
#include <array>
#include <string_view>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/card_number.h"
#include "agent/sensitive/iban.h"
#include "agent/sensitive/national_id.h"
#include "agent/sensitive/standalone_values.h"
#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

constexpr size_t kMinCardDigits = 13;
constexpr size_t kMaxCardDigits = 19;
constexpr size_t kMinIbanLength = 15;
constexpr size_t kMaxIbanLength = 34;
// A digit just across a joiner means the candidate is a piece of a longer number: a decimal, a
// date or one more group of a spaced or dashed sequence.
bool DigitsContinueBefore(std::string_view text, size_t begin, std::string_view joiners) {
  return joiners.find(CharBefore(text, begin)) != std::string_view::npos &&
         IsDigit(CharBefore(text, begin, 2));
}
bool DigitsContinueAfter(std::string_view text, size_t end, std::string_view joiners) {
  return joiners.find(CharAt(text, end)) != std::string_view::npos &&
         IsDigit(CharAt(text, end + 1));
}

// Printed card groups are joined by spaces too; an SSN's neighbour across a space is just the
// previous word.
constexpr std::string_view kCardGroupJoiners = " -.";
constexpr std::string_view kSsnJoiners = "-.";

bool WordCharAround(std::string_view text, size_t begin, size_t end) {
  return IsWordChar(CharBefore(text, begin)) || IsWordChar(CharAt(text, end));
}

// An identifier glued to the candidate by '-', '.' or '/' (ORD-123-45-6789, v1/123-45-6789).
bool IsIdJoiner(char c) { return c == '-' || c == '.' || c == '/'; }
bool JoinedToIdentifier(std::string_view text, size_t begin, size_t end) {
  return (IsIdJoiner(CharBefore(text, begin)) && IsAlnum(CharBefore(text, begin, 2))) ||
         (IsIdJoiner(CharAt(text, end)) && IsAlnum(CharAt(text, end + 1)));
}

}  // namespace

bool IsStandaloneCardNumber(std::string_view text, size_t begin, size_t end) {
  if (end - begin < kMinCardDigits || end - begin > kMaxCardDigits) return false;
  const char before = CharBefore(text, begin);
  if (IsWordChar(before) || before == '+' ||
      (before == '.' && IsDigit(CharBefore(text, begin, 2)))) {
    return false;
  }
  const char after = CharAt(text, end);
  if (IsWordChar(after) || (after == '.' && IsDigit(CharAt(text, end + 1)))) return false;
  for (char c : text.substr(begin, end - begin)) {
    if (!IsDigit(c)) return false;
  }
  return IsPlausibleCardNumber(text.substr(begin, end - begin));
}

bool IsStandaloneIban(std::string_view text, size_t begin, size_t end) {
  const size_t length = end - begin;
  if (length < kMinIbanLength || length > kMaxIbanLength) return false;
  if (!IsUpper(text[begin]) || !IsDigit(text[begin + 2])) return false;
  if (WordCharAround(text, begin, end)) return false;
  return IsValidIban(text.substr(begin, length));
}

KindSet CheckCardGrouped(const Match& m, CheckState&) {
  if (WordCharAround(m.text, m.begin, m.end) ||
      DigitsContinueBefore(m.text, m.begin, kCardGroupJoiners) ||
      DigitsContinueAfter(m.text, m.end, kCardGroupJoiners)) {
    return {};
  }
  std::array<char, kMaxCardDigits> digits;
  size_t count = 0;
  char separator = '\0';
  for (char c : m.text.substr(m.begin, m.end - m.begin)) {
    if (IsDigit(c)) {
      if (count == digits.size()) return {};
      digits[count++] = c;
    } else if (separator == '\0') {
      separator = c;
    } else if (c != separator) {
      return {};  // 4111 1111-1111 1111 is not how anyone writes a card
    }
  }
  return ConfirmedIf(IsPlausibleCardNumber(std::string_view(digits.data(), count)),
                     Kind::kCreditCard);
}

KindSet CheckUsSsn(const Match& m, CheckState&) {
  if (WordCharAround(m.text, m.begin, m.end) ||
      DigitsContinueBefore(m.text, m.begin, kSsnJoiners) ||
      DigitsContinueAfter(m.text, m.end, kSsnJoiners) ||
      JoinedToIdentifier(m.text, m.begin, m.end)) {
    return {};
  }
  return ConfirmedIf(IsValidUsSsn(m.text.substr(m.begin, m.end - m.begin)), Kind::kNationalId);
}

KindSet CheckUkNino(const Match& m, CheckState&) {
  // "AB123456C" (quoted, as JSON values are) or AB 12 34 56 C.
  if (WordCharAround(m.text, m.begin, m.end) || JoinedToIdentifier(m.text, m.begin, m.end)) {
    return {};
  }
  std::array<char, 9> compact;
  size_t count = 0;
  for (char c : m.text.substr(m.begin, m.end - m.begin)) {
    if (c == ' ' || c == '"') continue;
    if (count == compact.size()) return {};
    compact[count++] = c;
  }
  return ConfirmedIf(IsValidUkNino(std::string_view(compact.data(), count)), Kind::kNationalId);
}

}  // namespace apisensor::sensitive
