// What authentication a request carried, learned before its credentials are redacted: the
// inventory and the detectors need the kind of credential (and a JWT's algorithm, issuer and
// expiry), never the secret itself. Nothing here holds a credential value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/http1/http_message.h"

namespace apisensor::secrets {

enum class AuthKind : uint8_t {
  kNone,
  kBasic,
  kBearer,  // an opaque bearer token
  kJwt,     // a JWT, whether sent as a bearer token, an API-key header or a cookie
  kDigest,
  kApiKeyHeader,
  kApiKeyQuery,
  kCookieSession,
  kMutualTls,
  kOther,  // an Authorization scheme not listed above (AWS4-HMAC-SHA256, Negotiate, ...)
};
inline constexpr size_t kAuthKindCount = 10;

// "none", "basic", "bearer", "jwt", "digest", "api_key_header", "api_key_query",
// "cookie_session", "mtls", "other".
std::string_view AuthKindName(AuthKind kind);
std::optional<AuthKind> AuthKindFromName(std::string_view name);

struct JwtClaims {
  static constexpr size_t kMaxClaimBytes = 128;  // longer alg/iss values are cut

  std::string alg;             // from the header; "none" for an unsecured token
  std::string iss;             // issuer, "" when absent
  std::optional<int64_t> exp;  // expiry, seconds since the epoch
};

struct AuthObservation {
  AuthKind kind = AuthKind::kNone;
  // The header, query parameter or cookie that carried an API key, JWT or session ("x-api-key",
  // "api_key", "sid"), and where: "header", "query" or "cookie". Both "" for Authorization
  // schemes and for none.
  std::string carrier;
  std::string_view carrier_in;
  std::optional<JwtClaims> jwt;

  bool authenticated() const { return kind != AuthKind::kNone; }
};

// Classifies `request` (headers still in clear) into `out`, reusing its storage. The strongest
// evidence wins: Authorization, then an API-key header, then a session cookie, then a key in the
// query string.
void ObserveAuth(const http::Request& request, AuthObservation& out);

// The first query parameter of `target` that carries a credential (api_key, token, password,
// client_secret, ... with a non-empty value), as {name, value}; std::nullopt when none does.
struct QueryCredential {
  std::string_view name;
  std::string_view value;
};
std::optional<QueryCredential> FindQueryCredential(std::string_view target);

// The claims of a compact JWT: std::nullopt when its header or payload is not base64url JSON.
std::optional<JwtClaims> DecodeJwtClaims(std::string_view token);

}  // namespace apisensor::secrets
