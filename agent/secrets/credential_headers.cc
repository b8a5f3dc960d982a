#include "agent/secrets/credential_headers.h"

#include <array>

#include "agent/secrets/credential_syntax.h"

namespace apisensor::secrets {
namespace {

constexpr std::array<std::string_view, 7> kOpaqueNames = {
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-csrf-token",
    "x-amz-security-token",
};

constexpr std::array<std::string_view, 7> kOpaqueNameParts = {
    "token", "secret", "password", "api-key", "apikey", "session", "auth",
};

// Contain "auth" but carry challenges or routing, never a client secret; keeping them keeps the
// scheme a server asks for visible.
constexpr std::array<std::string_view, 3> kNotCredentials = {
    "www-authenticate",
    "proxy-authenticate",
    ":authority",
};

bool IsBase64Url(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

CredentialKind ClassifyHeader(std::string_view lower_name) {
  if (lower_name == "authorization" || lower_name == "proxy-authorization") {
    return CredentialKind::kAuthorization;
  }
  if (lower_name == "cookie") return CredentialKind::kCookie;
  if (lower_name == "set-cookie") return CredentialKind::kSetCookie;
  for (std::string_view name : kNotCredentials) {
    if (lower_name == name) return CredentialKind::kNone;
  }
  for (std::string_view name : kOpaqueNames) {
    if (lower_name == name) return CredentialKind::kOpaque;
  }
  for (std::string_view part : kOpaqueNameParts) {
    if (lower_name.find(part) != std::string_view::npos) return CredentialKind::kOpaque;
  }
  return CredentialKind::kNone;
}

bool LooksLikeJwt(std::string_view token) {
  if (!token.starts_with("eyJ")) return false;
  const size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return false;
  const size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return false;
  const std::string_view header = token.substr(0, first_dot);
  const std::string_view payload = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature = token.substr(second_dot + 1);
  return !payload.empty() && IsBase64Url(header) && IsBase64Url(payload) &&
         IsBase64Url(signature);  // a further dot (JWE, 5 parts) fails here
}

std::string_view AuthScheme(const http::Message& message) {
  const http::Header* header = message.Find("authorization");
  if (header == nullptr) return {};
  return SplitAuthorization(header->value).scheme;
}

}  // namespace apisensor::secrets
