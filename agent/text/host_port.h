// "host:port" as configs name listeners and receivers, and the authority of a URL or a Host
// header as traffic carries it: split one way for every caller, so an IPv6 address means the same
// thing to the agent's API listener, the syslog exporter and the OCSF event.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/text/ascii_case.h"

namespace apisensor::text {

struct HostPortParts {
  std::string_view host;   // without brackets
  std::string_view port;   // the text after the separating ':', unchecked; may be empty
  bool has_port = false;   // a ':' separated a port from the host (even an empty port)
  bool bracketed = false;  // the host was written in brackets ("[::1]")
};

// Splits "name", "name:port", "1.2.3.4:port", "[v6]" and "[v6]:port". An IPv6 address without
// brackets ("::1", "fe80::1:80") is all host: no colon of it can be told to start a port. nullopt
// when a '[' has no ']' or the ']' is followed by anything but ":port".
constexpr std::optional<HostPortParts> SplitHostPort(std::string_view text) {
  HostPortParts out;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    out.host = text.substr(1, close - 1);
    out.bracketed = true;
    out.has_port = !rest.empty();
    if (out.has_port) out.port = rest.substr(1);
    return out;
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
    out.host = text;
    return out;
  }
  out.host = text.substr(0, colon);
  out.port = text.substr(colon + 1);
  out.has_port = true;
  return out;
}

// A TCP port written as plain decimal digits, 1 to 65535; nullopt for anything else.
inline std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

struct UrlAuthority {
  std::string_view host;  // without brackets
  bool bracketed = false;
  uint16_t port = 0;  // the URL's, else `default_port`
};

// The authority of an http(s) URL a config names ("host", "host:port", "[v6]:port", no
// userinfo), or nullopt with `error` saying what is wrong, phrased to follow the setting's name
// ("url has no host"). An IPv6 address must be in brackets, and a ':' must be followed by a port.
inline std::optional<UrlAuthority> ParseUrlAuthority(std::string_view authority,
                                                     uint16_t default_port, std::string& error) {
  const std::optional<HostPortParts> split = SplitHostPort(authority);
  if (!split) {
    error = authority.find(']') == std::string_view::npos
                ? "has an IPv6 address without its closing ]"
                : "has text after the IPv6 address that is not a :port";
    return std::nullopt;
  }
  if (!split->bracketed && split->host.find(':') != std::string_view::npos) {
    error = "has an IPv6 address without brackets (write it as [address]:port)";
    return std::nullopt;
  }
  if (split->host.empty()) {
    error = "has no host";
    return std::nullopt;
  }
  UrlAuthority out{split->host, split->bracketed, default_port};
  if (split->has_port) {
    const std::optional<uint16_t> port = ParsePort(split->port);
    if (!port) {
      error = "has a port that is not between 1 and 65535";
      return std::nullopt;
    }
    out.port = *port;
  }
  return out;
}

// True when `host` (a name or an address, IPv6 with or without brackets) is this machine:
// "localhost", 127.0.0.0/8 or ::1. Where plain text may carry a secret, or a listener may go
// without a token, this is the only place it may.
inline bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (EqualsIgnoreAsciiCase(host, "localhost")) return true;
  const std::string address(host);
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, address.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace apisensor::text
