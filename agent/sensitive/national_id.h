// National identifiers the scanner can validate beyond their shape.
//
// US Social Security Number, written AAA-GG-SSSS: area 000, 666 and 900-999 were never issued,
// nor group 00 or serial 0000; 078-05-1120 and 219-09-9999 were voided after being published.
// Only the dashed form counts: nine bare digits are any identifier.
//
// UK National Insurance number, AB123456C (or AB 12 34 56 C): no D, F, I, Q, U, V in the
// two-letter prefix, no O as its second letter, never BG, GB, KN, NK, NT, TN or ZZ; the suffix is
// A-D.
#pragma once

#include <string_view>

namespace apisensor::sensitive {

// `dashed` is exactly "AAA-GG-SSSS".
bool IsValidUsSsn(std::string_view dashed);

// `compact` is exactly the 9 characters without spaces.
bool IsValidUkNino(std::string_view compact);

}  // namespace apisensor::sensitive
