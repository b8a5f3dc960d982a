#include "agent/sensitive/card_number.h"

#include <string_view>

#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

struct IssuerRange {
  unsigned prefix_digits;  // how many leading digits `low`/`high` cover
  unsigned low;
  unsigned high;
  unsigned min_length;
  unsigned max_length;
};

// Visa is not here: its lengths (13, 16, 19) are not a range.
constexpr IssuerRange kIssuers[] = {
    {2, 51, 55, 16, 16},                               // Mastercard
    {4, 2221, 2720, 16, 16},                           // Mastercard 2-series
    {2, 34, 34, 15, 15},                               // American Express
    {2, 37, 37, 15, 15},     {4, 6011, 6011, 16, 19},  // Discover
    {3, 644, 649, 16, 19},   {2, 65, 65, 16, 19},     {4, 3528, 3589, 16, 19},  // JCB
    {3, 300, 305, 14, 19},                                                      // Diners Club
    {4, 3095, 3095, 14, 19}, {2, 36, 36, 14, 19},     {2, 38, 39, 14, 19},
    {2, 62, 62, 16, 19},      // UnionPay
    {4, 5018, 5018, 13, 19},  // Maestro
    {4, 5020, 5020, 13, 19}, {4, 5038, 5038, 13, 19}, {4, 5893, 5893, 13, 19},
    {4, 6304, 6304, 13, 19}, {4, 6759, 6759, 13, 19}, {4, 6761, 6763, 13, 19},
    {4, 2200, 2204, 16, 19},  // Mir
};

unsigned LeadingNumber(std::string_view digits, unsigned count) {
  unsigned value = 0;
  for (unsigned i = 0; i < count; ++i) value = value * 10 + static_cast<unsigned>(digits[i] - '0');
  return value;
}

bool LengthFitsIssuer(std::string_view digits) {
  const size_t length = digits.size();
  if (digits[0] == '4') return length == 13 || length == 16 || length == 19;
  for (const IssuerRange& issuer : kIssuers) {
    const unsigned prefix = LeadingNumber(digits, issuer.prefix_digits);
    if (prefix >= issuer.low && prefix <= issuer.high && length >= issuer.min_length &&
        length <= issuer.max_length) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  if (digits.size() < 2) return false;
  unsigned sum = 0;
  bool doubled = false;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!IsDigit(digits[i])) return false;
    unsigned d = static_cast<unsigned>(digits[i] - '0');
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

bool IsPlausibleCardNumber(std::string_view digits) {
  if (digits.size() < 13 || digits.size() > 19) return false;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
  }
  return LengthFitsIssuer(digits) && LuhnValid(digits);
}

}  // namespace apisensor::sensitive
