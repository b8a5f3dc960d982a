// Timestamps as RFC 3339 UTC text with nanoseconds, the resolution the kernel gives us.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace apisensor::exporters {

// "2026-11-23T10:00:00.123456789Z"
inline constexpr size_t kRfc3339NanosSize = 30;

// Writes the text for `unix_ns` (nanoseconds since 1970-01-01 UTC) into `out` and returns a view
// of it. No allocation, no locale, no time zone lookup.
std::string_view FormatRfc3339Nanos(uint64_t unix_ns, char (&out)[kRfc3339NanosSize]);

}  // namespace apisensor::exporters
