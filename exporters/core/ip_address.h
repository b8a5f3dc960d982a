// Whether a destination or caller is an address rather than a name: TLS checks a certificate's IP
// SAN instead of its DNS name, OCSF and CEF put it in their address fields.
#pragma once

#include <string_view>

namespace apisensor::exporters {

// True for IPv4 and IPv6 text as inet_pton reads it.
bool IsIpAddress(std::string_view text);

}  // namespace apisensor::exporters
