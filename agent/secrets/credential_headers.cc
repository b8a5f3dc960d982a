#include "agent/secrets/credential_headers.h"

#include <algorithm>
#include <array>

#include "agent/secrets/credential_syntax.h"

namespace apisensor::secrets {
namespace {

// Header names that hold nothing but a secret. Every one of them also contains one of the parts
// below, which is how they are recognised; the list states the intent and is checked against the
// parts at compile time.
constexpr std::array<std::string_view, 7> kOpaqueNames = {
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-csrf-token",
    "x-amz-security-token",
};

// Whether `name` contains "token", "secret", "password", "api-key", "apikey", "api_key",
// "session" or "auth", or ends in "key" after a separator (x-functions-key,
// ocp-apim-subscription-key) or is just "key".
// One pass that compares only where a part's first letter appears: this runs for every header of
// every exchange, and nearly all of them (host, accept, content-type...) contain none.
constexpr bool HasOpaqueNamePart(std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    const std::string_view rest = name.substr(i);
    switch (name[i]) {
      case 'a':
        if (rest.starts_with("auth") || rest.starts_with("api-key") || rest.starts_with("apikey") ||
            rest.starts_with("api_key")) {
          return true;
        }
        break;
      case 'k':
        if (rest == "key" && (i == 0 || name[i - 1] == '-' || name[i - 1] == '_')) return true;
        break;
      case 'p':
        if (rest.starts_with("password")) return true;
        break;
      case 's':
        if (rest.starts_with("secret") || rest.starts_with("session")) return true;
        break;
      case 't':
        if (rest.starts_with("token")) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

static_assert(std::all_of(kOpaqueNames.begin(), kOpaqueNames.end(), HasOpaqueNamePart));

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
  // The names with their own kind, told apart by length before any comparison. Those that
  // contain "auth" but carry challenges or routing, never a client secret, are kept: the scheme a
  // server asks for stays visible; so are the well-known "-key" headers that are nonces or
  // identifiers, not credentials.
  switch (lower_name.size()) {
    case 6:
      if (lower_name == "cookie") return CredentialKind::kCookie;
      break;
    case 10:
      if (lower_name == "set-cookie") return CredentialKind::kSetCookie;
      if (lower_name == ":authority") return CredentialKind::kNone;
      break;
    case 13:
      if (lower_name == "authorization") return CredentialKind::kAuthorization;
      break;
    case 15:
      if (lower_name == "idempotency-key") return CredentialKind::kNone;
      break;
    case 16:
      if (lower_name == "www-authenticate") return CredentialKind::kNone;
      break;
    case 17:
      if (lower_name == "sec-websocket-key") return CredentialKind::kNone;
      break;
    case 18:
      if (lower_name == "proxy-authenticate") return CredentialKind::kNone;
      break;
    case 19:
      if (lower_name == "proxy-authorization") return CredentialKind::kAuthorization;
      break;
    default:
      break;
  }
  return HasOpaqueNamePart(lower_name) ? CredentialKind::kOpaque : CredentialKind::kNone;
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
