#include "agent/secrets/auth_observation.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <array>

#include "agent/secrets/credential_headers.h"
#include "agent/secrets/credential_syntax.h"
#include "agent/text/ascii_case.h"

namespace apisensor::secrets {
namespace {

constexpr std::array<std::string_view, kAuthKindCount> kNames = {
    "none",           "basic",         "bearer",         "jwt",  "digest",
    "api_key_header", "api_key_query", "cookie_session", "mtls", "other"};

// A JWT part larger than this is not decoded: the claims we keep sit in small tokens, and the
// decode must stay cheap on hostile input.
constexpr size_t kMaxJwtPartBytes = 4096;

// Query parameters that conventionally carry an API key or token (compared case-insensitively).
bool IsCredentialQueryKey(std::string_view key) {
  static constexpr std::array<std::string_view, 16> kKeys = {
      "api_key",  "apikey",     "api-key",  "key",       "access_token", "token",
      "auth",     "auth_token", "id_token", "x-api-key", "jwt",          "client_secret",
      "password", "passwd",     "pwd",      "secret"};
  for (std::string_view k : kKeys) {
    if (text::EqualsIgnoreAsciiCase(key, k)) return true;
  }
  return false;
}

// Cookie names that hold a login session or token rather than a preference.
bool IsSessionCookie(std::string_view name) {
  for (std::string_view part : {"sess", "token", "auth", "jwt", "login"}) {
    if (text::ContainsIgnoreAsciiCase(name, part)) return true;
  }
  return text::EqualsIgnoreAsciiCase(name, "sid") || name.ends_with("_sid") ||
         name.ends_with(".sid") || name.ends_with("-sid") ||
         text::EqualsIgnoreAsciiCase(name, "phpsessid");
}

std::optional<std::string> DecodeBase64Url(std::string_view part) {
  if (part.empty() || part.size() > kMaxJwtPartBytes) return std::nullopt;
  std::string standard(part);
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  const size_t padding = (4 - standard.size() % 4) % 4;
  if (padding == 3) return std::nullopt;  // no valid base64 leaves one character over
  standard.append(padding, '=');
  std::string out(standard.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(standard.data()),
                                static_cast<int>(standard.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string CappedString(const rapidjson::Value& value) {
  if (!value.IsString()) return {};
  return std::string(value.GetString(),
                     std::min<size_t>(value.GetStringLength(), JwtClaims::kMaxClaimBytes));
}

void Classify(AuthKind kind, std::string_view carrier_in, std::string_view carrier,
              AuthObservation& out) {
  out.kind = kind;
  out.carrier_in = carrier_in;
  out.carrier.assign(carrier);
}

bool ObserveAuthorization(const http::Request& request, AuthObservation& out) {
  const http::Header* header = request.Find("authorization");
  if (header == nullptr) return false;
  const AuthorizationParts parts = SplitAuthorization(header->value);
  if (parts.scheme.empty()) {
    // A bare secret in Authorization: a key in all but name.
    if (LooksLikeJwt(parts.credentials)) {
      Classify(AuthKind::kJwt, "", "", out);
      out.jwt = DecodeJwtClaims(parts.credentials);
    } else {
      Classify(AuthKind::kApiKeyHeader, "header", "authorization", out);
    }
    return true;
  }
  if (text::EqualsIgnoreAsciiCase(parts.scheme, "bearer")) {
    if (LooksLikeJwt(parts.credentials)) {
      Classify(AuthKind::kJwt, "", "", out);
      out.jwt = DecodeJwtClaims(parts.credentials);
    } else {
      Classify(AuthKind::kBearer, "", "", out);
    }
  } else if (text::EqualsIgnoreAsciiCase(parts.scheme, "basic")) {
    Classify(AuthKind::kBasic, "", "", out);
  } else if (text::EqualsIgnoreAsciiCase(parts.scheme, "digest")) {
    Classify(AuthKind::kDigest, "", "", out);
  } else {
    Classify(AuthKind::kOther, "", "", out);
  }
  return true;
}

bool ObserveKeyHeader(const http::Request& request, AuthObservation& out) {
  for (const http::Header& h : request.headers) {
    // x-csrf-token protects forms, it authenticates nobody.
    if (ClassifyHeader(h.name) != CredentialKind::kOpaque || h.name == "x-csrf-token") continue;
    if (TrimWhitespace(h.value).empty()) continue;
    const std::string_view value = TrimWhitespace(h.value);
    if (LooksLikeJwt(value)) {
      Classify(AuthKind::kJwt, "header", h.name, out);
      out.jwt = DecodeJwtClaims(value);
    } else {
      Classify(AuthKind::kApiKeyHeader, "header", h.name, out);
    }
    return true;
  }
  return false;
}

bool ObserveCookies(const http::Request& request, AuthObservation& out) {
  for (const http::Header& h : request.headers) {
    if (h.name != "cookie") continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view pair = TrimWhitespace(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view name = TrimWhitespace(pair.substr(0, eq));
      const std::string_view value = TrimWhitespace(pair.substr(eq + 1));
      if (value.empty()) continue;
      if (LooksLikeJwt(value)) {
        Classify(AuthKind::kJwt, "cookie", name, out);
        out.jwt = DecodeJwtClaims(value);
        return true;
      }
      if (IsSessionCookie(name)) {
        Classify(AuthKind::kCookieSession, "cookie", name, out);
        return true;
      }
    }
  }
  return false;
}

bool ObserveQuery(const http::Request& request, AuthObservation& out) {
  const std::optional<QueryCredential> credential = FindQueryCredential(request.target);
  if (!credential) return false;
  if (LooksLikeJwt(credential->value)) {
    Classify(AuthKind::kJwt, "query", credential->name, out);
    out.jwt = DecodeJwtClaims(credential->value);
  } else {
    Classify(AuthKind::kApiKeyQuery, "query", credential->name, out);
  }
  return true;
}

}  // namespace

std::string_view AuthKindName(AuthKind kind) { return kNames[static_cast<size_t>(kind)]; }

std::optional<AuthKind> AuthKindFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<AuthKind>(i);
  }
  return std::nullopt;
}

std::optional<QueryCredential> FindQueryCredential(std::string_view target) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(question + 1);
  const size_t fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!value.empty() && IsCredentialQueryKey(key)) return QueryCredential{key, value};
  }
  return std::nullopt;
}

std::optional<JwtClaims> DecodeJwtClaims(std::string_view token) {
  const size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return std::nullopt;
  const size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return std::nullopt;
  const std::optional<std::string> header = DecodeBase64Url(token.substr(0, first_dot));
  const std::optional<std::string> payload =
      DecodeBase64Url(token.substr(first_dot + 1, second_dot - first_dot - 1));
  if (!header || !payload) return std::nullopt;
  rapidjson::Document h;
  rapidjson::Document p;
  h.Parse(header->data(), header->size());
  p.Parse(payload->data(), payload->size());
  if (h.HasParseError() || !h.IsObject() || p.HasParseError() || !p.IsObject()) {
    return std::nullopt;
  }
  JwtClaims claims;
  if (auto alg = h.FindMember("alg"); alg != h.MemberEnd()) claims.alg = CappedString(alg->value);
  if (auto iss = p.FindMember("iss"); iss != p.MemberEnd()) claims.iss = CappedString(iss->value);
  if (auto exp = p.FindMember("exp"); exp != p.MemberEnd() && exp->value.IsNumber()) {
    const double seconds = exp->value.GetDouble();
    // RFC 7519 allows fractional NumericDates; anything outside int64 is not a date.
    if (seconds > -9.2e18 && seconds < 9.2e18) claims.exp = static_cast<int64_t>(seconds);
  }
  return claims;
}

void ObserveAuth(const http::Request& request, AuthObservation& out) {
  out.kind = AuthKind::kNone;
  out.carrier.clear();
  out.carrier_in = {};
  out.jwt.reset();
  if (ObserveAuthorization(request, out) || ObserveKeyHeader(request, out) ||
      ObserveCookies(request, out)) {
    return;
  }
  ObserveQuery(request, out);
}

}  // namespace apisensor::secrets
