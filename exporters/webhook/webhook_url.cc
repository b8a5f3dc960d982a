#include "exporters/webhook/webhook_url.h"

#include <charconv>
#include <string_view>

#include "agent/text/ascii_case.h"

namespace apisensor::exporters {

std::string WebhookUrl::origin() const {
  const std::string bracketed = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return (https ? "https://" : "http://") + bracketed + ":" + std::to_string(port);
}

std::optional<WebhookUrl> ParseWebhookUrl(const std::string& url, std::string& error) {
  WebhookUrl out;
  std::string_view rest = url;
  const size_t scheme_end = rest.find("://");
  const std::string_view scheme =
      scheme_end == std::string_view::npos ? "" : rest.substr(0, scheme_end);
  if (text::EqualsIgnoreAsciiCase(scheme, "https")) {
    out.https = true;
  } else if (!text::EqualsIgnoreAsciiCase(scheme, "http")) {
    error = "must start with http:// or https://";
    return std::nullopt;
  }
  rest.remove_prefix(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) {
    error = "must not have a #fragment";
    return std::nullopt;
  }
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      error = "must not contain spaces or control characters";
      return std::nullopt;
    }
  }
  const size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  out.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (out.target.starts_with('?')) out.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    error = "must not carry a user or password (put credentials in secret_file or headers)";
    return std::nullopt;
  }
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "has an IPv6 address without its closing ]";
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) {
      error = "has text after the IPv6 address";
      return std::nullopt;
    }
    if (!after.empty()) port_text = after.substr(1);
    if (after == ":") port_text = "x";  // an empty port is as wrong as a bad one
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (colon != std::string_view::npos && port_text.empty()) port_text = "x";
  }
  if (out.host.empty()) {
    error = "has no host";
    return std::nullopt;
  }
  out.port = out.https ? 443 : 80;
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      error = "has a port that is not between 1 and 65535";
      return std::nullopt;
    }
    out.port = static_cast<uint16_t>(port);
  }
  return out;
}

}  // namespace apisensor::exporters
