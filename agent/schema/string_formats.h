// Cheap recognisers for the JSON Schema string formats a schema reports (no regex): each looks at
// a value once, in place, and never allocates. They run on every string value of every body
// whose node still has candidate formats, so they reject on the first wrong byte.
#pragma once

#include <cstdint>
#include <string_view>

#include "agent/schema/schema_node.h"

namespace apisensor::schema {

// The subset of `candidates` (FormatBit set) that `value` matches.
uint8_t MatchFormats(std::string_view value, uint8_t candidates);

// RFC 3339 full-date: YYYY-MM-DD, a real calendar day.
bool IsDate(std::string_view s);
// RFC 3339 date-time: full-date "T" HH:MM:SS[.frac] ("Z" | ±HH:MM); "t"/"z" accepted.
bool IsDateTime(std::string_view s);
// local@domain with an RFC 5321 dot-atom local part and a dotted hostname.
bool IsEmail(std::string_view s);
// 8-4-4-4-12 hexadecimal digits.
bool IsUuid(std::string_view s);
// Dotted quad, each part 0..255 without leading zeros.
bool IsIpv4(std::string_view s);
// An absolute http or https URI with a host and no byte a URI cannot hold unescaped.
bool IsHttpUri(std::string_view s);

}  // namespace apisensor::schema
