#include "exporters/syslog/host_port.h"

#include <charconv>

namespace apisensor::exporters::syslog {

std::optional<HostPort> ParseHostPort(std::string_view text) {
  HostPort out;
  out.text = std::string(text);
  std::string_view port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1, 1) != ":") return std::nullopt;
    out.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    // A second colon means an IPv6 address without brackets: its port would be ambiguous.
    if (colon == std::string_view::npos || text.find(':') != colon) return std::nullopt;
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (out.host.empty() || port.empty() || error != std::errc() ||
      end != port.data() + port.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  out.port = static_cast<uint16_t>(value);
  return out;
}

}  // namespace apisensor::exporters::syslog
