// JSON text must be UTF-8, but header values, process names and paths are whatever bytes a
// program sent. Invalid sequences become U+FFFD so every line stays parseable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace apisensor::exporters {

// The replacement character U+FFFD, encoded.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// `in` itself when it is valid UTF-8 (the common case, no copy); otherwise a copy in `scratch`
// (overwritten) with every byte that does not start a valid sequence replaced by U+FFFD.
// Surrogates, overlong forms and code points above U+10FFFF count as invalid (RFC 3629).
std::string_view ValidUtf8(std::string_view in, std::string& scratch);

// Length of the well-formed sequence starting at in[i] (i < in.size()), or 0 when the byte there
// does not start one. For writers that validate while they copy.
size_t Utf8SequenceLength(std::string_view in, size_t i);

}  // namespace apisensor::exporters
