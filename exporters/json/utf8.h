// JSON text must be UTF-8, but header values, process names and paths are whatever bytes a
// program sent. Invalid sequences become U+FFFD so every line stays parseable.
#pragma once

#include <string>
#include <string_view>

namespace apisensor::exporters {

// `in` itself when it is valid UTF-8 (the common case, no copy); otherwise a copy in `scratch`
// (overwritten) with every byte that does not start a valid sequence replaced by U+FFFD.
// Surrogates, overlong forms and code points above U+10FFFF count as invalid (RFC 3629).
std::string_view ValidUtf8(std::string_view in, std::string& scratch);

}  // namespace apisensor::exporters
