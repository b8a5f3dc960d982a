// Where a HEC sink sends: the `url:` setting split into what cpp-httplib needs (scheme, host and
// port for the client; a path for each request), with the HEC default paths filled in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apisensor::exporters::splunk {

struct HecUrl {
  bool tls = false;
  std::string host;  // as written; IPv6 literals keep their brackets
  int port = 0;
  std::string event_path;  // "/services/collector/event" unless the URL names its own path
  std::string ack_path;    // "/services/collector/ack" next to it; empty when it cannot be known

  // "https://host:8088", what the client is made from.
  std::string origin() const;
  // "host:8088", for sentences.
  std::string authority() const;
};

// Parses http:// and https:// URLs (port defaults to 80 / 443). nullopt with `error` set to the
// end of a sentence ("must start with https:// or http://") for anything else.
std::optional<HecUrl> ParseHecUrl(std::string_view url, std::string& error);

}  // namespace apisensor::exporters::splunk
