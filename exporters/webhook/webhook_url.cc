#include "exporters/webhook/webhook_url.h"

#include <optional>
#include <string_view>

#include "agent/text/ascii_case.h"
#include "agent/text/host_port.h"

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
  const std::optional<text::UrlAuthority> parsed =
      text::ParseUrlAuthority(authority, out.https ? 443 : 80, error);
  if (!parsed) return std::nullopt;
  out.host = std::string(parsed->host);
  out.port = parsed->port;
  return out;
}

}  // namespace apisensor::exporters
