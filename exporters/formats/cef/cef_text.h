// The two escaping rules of an ArcSight CEF line (Implementing ArcSight CEF, rev. 25): header
// fields escape `\` and `|` and cannot hold a line break; extension values escape `\` and `=` and
// carry line breaks as `\n` / `\r`. Before escaping, every value is made safe for any receiver:
// invalid UTF-8 becomes U+FFFD, other control characters become a space, and the value is cut
// on a character boundary to the length the specification allows for its field.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace apisensor::exporters::cef {

enum class Part { kHeader, kExtension };

// What a correct CEF parser reads back for `value` in `part`: the value made safe and cut to at
// most `max_bytes` bytes (never inside a UTF-8 sequence). Exposed for tests and fuzzing.
std::string CleanValue(std::string_view value, size_t max_bytes, Part part);

// Appends CleanValue(value, max_bytes, part), escaped for `part`, to `out`.
void AppendEscaped(std::string_view value, size_t max_bytes, Part part, std::string& out);

}  // namespace apisensor::exporters::cef
