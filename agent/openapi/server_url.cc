#include "agent/openapi/server_url.h"

#include "agent/text/ascii_case.h"
#include "agent/text/host_port.h"

namespace apisensor::openapi {
namespace {

bool IsSchemeChar(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

// The scheme of "scheme://...", or nullopt when `url` does not start with one.
std::optional<std::string_view> SchemeOf(std::string_view url) {
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  for (size_t i = 0; i < colon; ++i) {
    if (!IsSchemeChar(url[i], i == 0)) return std::nullopt;
  }
  return url.substr(0, colon);
}

// Fills host, port and port_explicit from "user@host:port" (IPv6 in brackets).
void ParseAuthority(std::string_view authority, ServerAddress& out) {
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  const std::optional<text::HostPortParts> split = text::SplitHostPort(authority);
  out.host = text::AsciiLowerCopy(split ? split->host : authority);
  if (const std::optional<uint16_t> explicit_port =
          split ? text::ParsePort(split->port) : std::nullopt) {
    out.port = *explicit_port;
    out.port_explicit = true;
  } else {
    out.port = DefaultPort(out.scheme);  // an unresolved "{port}" leaves the default
  }
}

}  // namespace

uint16_t DefaultPort(std::string_view scheme) {
  const std::string lower = text::AsciiLowerCopy(scheme);
  if (lower == "http" || lower == "ws") return 80;
  if (lower == "https" || lower == "wss") return 443;
  return 0;
}

std::string NormalizeBasePath(std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  if (path == ".") path = {};
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return {};
  std::string out;
  out.reserve(path.size() + 1);
  if (path.front() != '/') out.push_back('/');
  out.append(path);
  return out;
}

std::string SubstituteServerVariables(
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& variables) {
  std::string out;
  out.reserve(url.size());
  size_t i = 0;
  while (i < url.size()) {
    const size_t open = url.find('{', i);
    const size_t close = open == std::string_view::npos ? open : url.find('}', open + 1);
    if (close == std::string_view::npos) {
      out.append(url.substr(i));
      break;
    }
    out.append(url.substr(i, open - i));
    const std::string_view name = url.substr(open + 1, close - open - 1);
    const std::string* value = nullptr;
    for (const auto& [variable, default_value] : variables) {
      if (variable == name) {
        value = &default_value;
        break;
      }
    }
    if (value != nullptr) {
      out.append(*value);
    } else {
      out.append(url.substr(open, close - open + 1));
    }
    i = close + 1;
  }
  return out;
}

ServerAddress ParseServerUrl(std::string_view url) {
  ServerAddress out;
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t')) url.remove_suffix(1);
  out.url = std::string(url);
  if (const size_t end = url.find_first_of("?#"); end != std::string_view::npos) {
    url = url.substr(0, end);
  }
  std::string_view rest;
  bool has_authority = false;
  if (const std::optional<std::string_view> scheme = SchemeOf(url)) {
    out.scheme = text::AsciiLowerCopy(*scheme);
    rest = url.substr(scheme->size() + 3);
    has_authority = true;
  } else if (url.starts_with("//")) {
    rest = url.substr(2);
    has_authority = true;
  } else {
    rest = url;
  }
  if (has_authority) {
    const size_t slash = rest.find('/');
    ParseAuthority(rest.substr(0, slash), out);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  out.base_path = NormalizeBasePath(rest);
  return out;
}

std::vector<ServerAddress> Swagger2Servers(std::string_view host, std::string_view base_path,
                                           const std::vector<std::string>& schemes) {
  std::vector<ServerAddress> out;
  const std::string normalized = NormalizeBasePath(base_path);
  auto add = [&](std::string_view scheme) {
    ServerAddress address;
    address.scheme = text::AsciiLowerCopy(scheme);
    if (!host.empty()) ParseAuthority(host, address);
    address.base_path = normalized;
    if (!host.empty()) {
      address.url =
          (address.scheme.empty() ? "//" : address.scheme + "://") + std::string(host) + normalized;
    } else {
      address.url = normalized.empty() ? "/" : normalized;
    }
    out.push_back(std::move(address));
  };
  if (schemes.empty()) add("");
  for (const std::string& scheme : schemes) add(scheme);
  return out;
}

}  // namespace apisensor::openapi
