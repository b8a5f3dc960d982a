// Payment card numbers (PANs): is a digit string one that a card network could have issued?
// Length and issuer prefix (IIN) must agree with one of the networks below, and the Luhn check
// digit must hold. Test numbers such as 4111 1111 1111 1111 pass on purpose: they have a real
// PAN's shape and an API that accepts them accepts real ones too.
//
// Networks: Visa (4; 13, 16, 19 digits), Mastercard (51-55 and 2221-2720; 16), American Express
// (34, 37; 15), Discover (6011, 644-649, 65; 16-19), JCB (3528-3589; 16-19), Diners Club
// (300-305, 3095, 36, 38, 39; 14-19), UnionPay (62; 16-19), Maestro (5018, 5020, 5038, 5893,
// 6304, 6759, 6761-6763; 13-19), Mir (2200-2204; 16-19).
#pragma once

#include <string_view>

namespace apisensor::sensitive {

// Mod-10 (Luhn) over ASCII digits; false for anything but 2 or more digits.
bool LuhnValid(std::string_view digits);

// `digits` holds only the number's digits (separators removed).
bool IsPlausibleCardNumber(std::string_view digits);

}  // namespace apisensor::sensitive
