// Decides, from one key, whether an object is a map keyed by data (ids, dates, addresses) rather
// than a record with a fixed set of field names. Recording such keys as properties would explode
// the schema and store data as if it were a name; the object becomes a map instead.
#pragma once

#include <string_view>

namespace apisensor::schema {

// All digits, a UUID, a date or date-time, an email, an IPv4 address, 12+ hexadecimal digits
// with at least one digit, or a 12+ byte token of [A-Za-z0-9_-] that switches between digits and
// other bytes at least 4 times (random ids do; "address_line_2", "iso8601_timestamp" do not).
bool LooksLikeDynamicKey(std::string_view key);

// RFC 3629: no overlong forms, surrogates or code points above U+10FFFF. Keys are written into
// JSON text, which must be UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace apisensor::schema
