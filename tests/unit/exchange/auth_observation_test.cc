#include "agent/secrets/auth_observation.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

namespace apisensor::secrets {
namespace {

std::string Base64Url(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()),
                                static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string Jwt(std::string_view header, std::string_view payload, std::string_view sig = "c2ln") {
  return Base64Url(header) + "." + Base64Url(payload) + "." + std::string(sig);
}

AuthObservation Observe(std::vector<http::Header> headers, std::string target = "/x") {
  http::Request request;
  request.method = "GET";
  request.target = std::move(target);
  request.headers = std::move(headers);
  AuthObservation out;
  ObserveAuth(request, out);
  return out;
}

TEST(AuthObservation, NoCredentialIsNone) {
  const AuthObservation a =
      Observe({{"host", "example"}, {"cookie", "theme=dark; lang=en"}}, "/x?page=2&q=token");
  EXPECT_EQ(a.kind, AuthKind::kNone);
  EXPECT_FALSE(a.authenticated());
  EXPECT_FALSE(a.jwt.has_value());
}

TEST(AuthObservation, AuthorizationSchemes) {
  EXPECT_EQ(Observe({{"authorization", "Basic dXNlcjpwYXNz"}}).kind, AuthKind::kBasic);
  EXPECT_EQ(Observe({{"authorization", "bearer opaque-token-123"}}).kind, AuthKind::kBearer);
  EXPECT_EQ(Observe({{"authorization", "Digest username=\"a\", realm=\"r\""}}).kind,
            AuthKind::kDigest);
  EXPECT_EQ(Observe({{"authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=y"}}).kind,
            AuthKind::kOther);
  const AuthObservation bare = Observe({{"authorization", "s3cr3tv4lue"}});
  EXPECT_EQ(bare.kind, AuthKind::kApiKeyHeader);
  EXPECT_EQ(bare.carrier, "authorization");
}

TEST(AuthObservation, JwtClaimsAreDecodedAndNothingElseKept) {
  const std::string token = Jwt(R"({"alg":"RS256","typ":"JWT"})",
                                R"({"iss":"https://idp.example","sub":"alice","exp":1900000000})");
  const AuthObservation a = Observe({{"authorization", "Bearer " + token}});
  ASSERT_EQ(a.kind, AuthKind::kJwt);
  ASSERT_TRUE(a.jwt.has_value());
  EXPECT_EQ(a.jwt->alg, "RS256");
  EXPECT_EQ(a.jwt->iss, "https://idp.example");
  EXPECT_EQ(a.jwt->exp, 1900000000);
  EXPECT_TRUE(a.carrier.empty());
}

TEST(AuthObservation, UnsecuredJwtWithoutExpiry) {
  const std::string token = Jwt(R"({"alg":"none"})", R"({"sub":"bob"})", "");
  const AuthObservation a = Observe({{"authorization", "Bearer " + token}});
  ASSERT_EQ(a.kind, AuthKind::kJwt);
  ASSERT_TRUE(a.jwt.has_value());
  EXPECT_EQ(a.jwt->alg, "none");
  EXPECT_EQ(a.jwt->iss, "");
  EXPECT_FALSE(a.jwt->exp.has_value());
}

TEST(AuthObservation, JwtLookalikeIsAnOpaqueBearer) {
  // Three base64url parts starting "eyJ", but the header does not decode to JSON.
  const AuthObservation a = Observe({{"authorization", "Bearer eyJub3Rqc29u.eyJhIjoxfQ.c2ln"}});
  EXPECT_EQ(a.kind, AuthKind::kJwt);  // shaped like one: the kind follows the shape
  EXPECT_FALSE(a.jwt.has_value());    // but no claims are invented
  EXPECT_FALSE(DecodeJwtClaims("eyJhIjoxfQ").has_value());
  EXPECT_FALSE(DecodeJwtClaims("eyJ!!!.eyJ!!!.x").has_value());
  EXPECT_FALSE(DecodeJwtClaims(std::string(10000, 'A') + ".eyJhIjoxfQ.x").has_value());
}

TEST(AuthObservation, ApiKeyHeaderNamesItsCarrier) {
  const AuthObservation a = Observe({{"x-api-key", "k-123456"}});
  EXPECT_EQ(a.kind, AuthKind::kApiKeyHeader);
  EXPECT_EQ(a.carrier, "x-api-key");
  EXPECT_EQ(a.carrier_in, "header");
  // A CSRF token authenticates nobody; an empty key is no key.
  EXPECT_EQ(Observe({{"x-csrf-token", "abc"}}).kind, AuthKind::kNone);
  EXPECT_EQ(Observe({{"x-api-key", "  "}}).kind, AuthKind::kNone);
}

TEST(AuthObservation, SessionCookiesButNotPreferences) {
  const AuthObservation a = Observe({{"cookie", "theme=dark; sessionid=abc123"}});
  EXPECT_EQ(a.kind, AuthKind::kCookieSession);
  EXPECT_EQ(a.carrier, "sessionid");
  EXPECT_EQ(Observe({{"cookie", "connect.sid=s%3Aabc"}}).kind, AuthKind::kCookieSession);
  EXPECT_EQ(Observe({{"cookie", "PHPSESSID=abc"}}).kind, AuthKind::kCookieSession);
  EXPECT_EQ(Observe({{"cookie", "sessionid="}}).kind, AuthKind::kNone);
  EXPECT_EQ(Observe({{"cookie", "consent=yes; _ga=GA1.2"}}).kind, AuthKind::kNone);
  const std::string token = Jwt(R"({"alg":"HS256"})", R"({"iss":"app"})");
  const AuthObservation jwt = Observe({{"cookie", "prefs=1; id=" + token}});
  EXPECT_EQ(jwt.kind, AuthKind::kJwt);
  EXPECT_EQ(jwt.carrier, "id");
  EXPECT_EQ(jwt.carrier_in, "cookie");
  EXPECT_EQ(jwt.jwt->iss, "app");
}

TEST(AuthObservation, QueryKeys) {
  const AuthObservation a = Observe({}, "/v1/items?page=1&API_KEY=abc#frag");
  EXPECT_EQ(a.kind, AuthKind::kApiKeyQuery);
  EXPECT_EQ(a.carrier, "API_KEY");
  EXPECT_EQ(a.carrier_in, "query");
  EXPECT_EQ(Observe({}, "/v1/items?api_key=").kind, AuthKind::kNone);
  EXPECT_EQ(Observe({}, "/v1/items?keyword=abc&monkey=1").kind, AuthKind::kNone);
}

TEST(AuthObservation, StrongestEvidenceWins) {
  const AuthObservation a =
      Observe({{"cookie", "sessionid=1"}, {"x-api-key", "k"}, {"authorization", "Basic eA=="}},
              "/x?token=t");
  EXPECT_EQ(a.kind, AuthKind::kBasic);
}

TEST(AuthObservation, NamesRoundTrip) {
  for (size_t i = 0; i < kAuthKindCount; ++i) {
    const auto kind = static_cast<AuthKind>(i);
    EXPECT_EQ(AuthKindFromName(AuthKindName(kind)), kind);
  }
  EXPECT_FALSE(AuthKindFromName("kerberos").has_value());
}

}  // namespace
}  // namespace apisensor::secrets
