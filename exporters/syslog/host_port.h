// "host:port" as the export config names a receiver: a name, an IPv4 address, or an IPv6 address
// in brackets ("[2001:db8::1]:6514").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace apisensor::exporters::syslog {

struct HostPort {
  std::string host;  // without brackets
  uint16_t port = 0;
  std::string text;  // as configured, for messages
};

// nullopt unless `text` is host:port with a port in 1..65535.
std::optional<HostPort> ParseHostPort(std::string_view text);

}  // namespace apisensor::exporters::syslog
