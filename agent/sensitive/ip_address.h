// IP address literals.
//
// IPv4: four decimal octets 0-255 without leading zeros (01.2.3.4 is octal to some parsers and
// a zero-padded counter to most texts, so it is not taken for an address).
//
// IPv6 (RFC 4291 text forms, with an optional dotted IPv4 tail): eight groups, or fewer with one
// "::". Short compressed forms collide with ordinary text ("a::b", "std::", "12::34"), so a
// compressed address also needs two explicit groups, one of them three or more hex digits long
// (fe80::1, 2001:db8::8a2e:370:7334, ::ffff:192.0.2.1 qualify; ::1 does not). MAC addresses
// (six groups) and clock times never reach eight groups.
#pragma once

#include <string_view>

namespace apisensor::sensitive {

// `dotted` is exactly the address, e.g. "192.168.0.1".
bool IsValidIpv4(std::string_view dotted);

// `text` is exactly the address, e.g. "2001:db8::1" (no brackets, no zone).
bool IsPlausibleIpv6(std::string_view text);

}  // namespace apisensor::sensitive
