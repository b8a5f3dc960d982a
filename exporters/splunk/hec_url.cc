#include "exporters/splunk/hec_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace apisensor::exporters::splunk {
namespace {

constexpr std::string_view kCollector = "/services/collector";
constexpr std::string_view kEventPath = "/services/collector/event";

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char lower, char c) {
           return std::tolower(static_cast<unsigned char>(c)) == lower;
         });
}

bool ValidHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string HecUrl::origin() const {
  return std::string(tls ? "https://" : "http://") + authority();
}

std::string HecUrl::authority() const { return host + ":" + std::to_string(port); }

std::optional<HecUrl> ParseHecUrl(std::string_view url, std::string& error) {
  HecUrl out;
  if (StartsWithNoCase(url, "https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (StartsWithNoCase(url, "http://")) {
    url.remove_prefix(7);
  } else {
    error = "must start with https:// or http://";
    return std::nullopt;
  }
  const size_t slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    error = "must not carry credentials: the token goes in token_file";
    return std::nullopt;
  }

  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "has an IPv6 address without its closing ]";
      return std::nullopt;
    }
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error = "has text after the IPv6 address that is not a :port";
        return std::nullopt;
      }
      port = rest.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.empty() || !std::all_of(host.begin(), host.end(), ValidHostChar)) {
      error = "has an invalid host name";
      return std::nullopt;
    }
  } else if (host.empty() || !std::all_of(host.begin(), host.end(), ValidHostChar)) {
    error = "has an invalid host name";
    return std::nullopt;
  }
  if (host.empty() || host == "[]") {
    error = "has no host";
    return std::nullopt;
  }
  out.host = std::string(host);
  out.port = out.tls ? 443 : 80;
  if (!port.empty() || authority.ends_with(':')) {
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      error = "has an invalid port (1 to 65535)";
      return std::nullopt;
    }
    out.port = value;
  }

  if (const size_t hash = path.find('#'); hash != std::string_view::npos)
    path = path.substr(0, hash);
  if (path.empty() || path == "/") {
    out.event_path = std::string(kEventPath);
  } else if (path.front() == '?') {
    out.event_path = std::string(kEventPath) + std::string(path);
  } else {
    out.event_path = std::string(path);
  }
  // Splunk serves acknowledgements next to the event endpoint; behind a prefix (a proxy path),
  // the prefix stays.
  const std::string_view route =
      std::string_view(out.event_path).substr(0, out.event_path.find('?'));
  if (const size_t at = route.find(kCollector); at != std::string_view::npos) {
    out.ack_path = std::string(route.substr(0, at)) + std::string(kCollector) + "/ack";
  }
  return out;
}

}  // namespace apisensor::exporters::splunk
