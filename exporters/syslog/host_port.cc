#include "exporters/syslog/host_port.h"

#include "agent/text/host_port.h"

namespace apisensor::exporters::syslog {

std::optional<HostPort> ParseHostPort(std::string_view text) {
  const std::optional<text::HostPortParts> split = text::SplitHostPort(text);
  if (!split || split->host.empty()) return std::nullopt;
  const std::optional<uint16_t> port = text::ParsePort(split->port);
  if (!port) return std::nullopt;
  return HostPort{.host = std::string(split->host), .port = *port, .text = std::string(text)};
}

}  // namespace apisensor::exporters::syslog
