// The webhook's URL, checked when the config is read so a typo is one sentence at startup rather
// than a retry loop at runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace apisensor::exporters {

struct WebhookUrl {
  bool https = false;
  std::string host;  // without brackets for IPv6
  uint16_t port = 0;
  std::string target;  // path and query, "/" at least
  // "https://host:port": what errors and logs name (never the path or query, which can hold a
  // token).
  std::string origin() const;
};

// http:// or https://, a host, an optional port, an optional path and query. Refuses user
// information (credentials do not belong in a URL that ends up in logs) and fragments. On
// failure returns nullopt and sets `error` to what is wrong (a sentence fragment).
std::optional<WebhookUrl> ParseWebhookUrl(const std::string& url, std::string& error);

}  // namespace apisensor::exporters
