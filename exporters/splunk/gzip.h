// gzip (RFC 1952) with zlib, for `Content-Encoding: gzip` request bodies: JSON events shrink
// about tenfold, which is most of the bandwidth a busy sensor sends a SIEM.
#pragma once

#include <string>
#include <string_view>

namespace apisensor::exporters::splunk {

// Replaces `out` with `in` compressed; false only when zlib fails (out of memory).
bool Gzip(std::string_view in, std::string& out);

}  // namespace apisensor::exporters::splunk
