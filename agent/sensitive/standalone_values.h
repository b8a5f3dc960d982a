// Predicates shared by candidate checks: is text[begin, end) a whole value of its kind, valid and
// not glued to a longer word or number?
#pragma once

#include <cstddef>
#include <string_view>

namespace apisensor::sensitive {

// Contiguous digits of a card number (card_number.h rules); not a fraction (0.4111…), a signed
// number (+4111…) or part of an identifier.
bool IsStandaloneCardNumber(std::string_view text, size_t begin, size_t end);

// A compact IBAN (iban.h rules), not glued to a word.
bool IsStandaloneIban(std::string_view text, size_t begin, size_t end);

// An IPv6 address (ip_address.h rules) between non-address characters. A leading single ':' is
// a key separator ("ip:2001:db8::1"), a trailing '.' the end of a sentence.
bool IsStandaloneIpv6(std::string_view text, size_t begin, size_t end);

}  // namespace apisensor::sensitive
