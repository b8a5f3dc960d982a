// Which headers carry credentials, and the shapes of credential values the redactor tells apart.
#pragma once

#include <string_view>

#include "parsers/http1/http_message.h"

namespace apisensor::secrets {

enum class CredentialKind {
  kNone,           // not a credential: kept as is
  kAuthorization,  // "<scheme> <credentials>": the scheme is kept
  kCookie,         // "a=1; b=2": names are kept
  kSetCookie,      // "a=1; Path=/; HttpOnly": the name and the attributes are kept
  kOpaque,         // API keys, tokens, passwords: nothing but the fingerprint is kept
};

// `lower_name` as the parsers store it (lower-case).
CredentialKind ClassifyHeader(std::string_view lower_name);

// Three dot-separated base64url segments, the first a JSON object ("eyJ" is base64 of `{"`).
// The signature may be empty (unsecured JWT).
bool LooksLikeJwt(std::string_view token);

// The scheme of the first Authorization header ("Bearer", "Basic", ...), or "" when there is
// none or its value has no scheme. Same answer before and after redaction, which keeps it.
std::string_view AuthScheme(const http::Message& message);

}  // namespace apisensor::secrets
