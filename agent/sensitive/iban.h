// International Bank Account Numbers (ISO 13616): the country must be in the SWIFT IBAN registry
// with exactly the registered length, and the ISO 7064 mod-97-10 check must give 1. Only upper
// case is accepted: lower-case IBANs exist but are rare, and upper case keeps words out.
#pragma once

#include <cstddef>
#include <string_view>

namespace apisensor::sensitive {

// The registered IBAN length for a two-letter country code, or 0 when it has none.
size_t IbanLengthForCountry(std::string_view country);

// `compact` is the IBAN without spaces.
bool IsValidIban(std::string_view compact);

}  // namespace apisensor::sensitive
