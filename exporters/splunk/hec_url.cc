#include "exporters/splunk/hec_url.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "agent/text/host_port.h"

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

  const std::optional<text::UrlAuthority> parsed =
      text::ParseUrlAuthority(authority, out.tls ? 443 : 80, error);
  if (!parsed) return std::nullopt;
  if (!parsed->bracketed && !std::all_of(parsed->host.begin(), parsed->host.end(), ValidHostChar)) {
    error = "has an invalid host name";
    return std::nullopt;
  }
  // Kept in brackets: the host goes back into URLs and the Host header as it came.
  out.host = parsed->bracketed ? "[" + std::string(parsed->host) + "]" : std::string(parsed->host);
  out.port = parsed->port;

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
