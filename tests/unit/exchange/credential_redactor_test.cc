#include "agent/secrets/credential_redactor.h"

#include <gtest/gtest.h>

#include <string>

#include "agent/secrets/credential_headers.h"

namespace apisensor::secrets {
namespace {

constexpr char kJwt[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

Fingerprinter::Key TestKey() {
  Fingerprinter::Key key{};
  key[0] = 42;
  return key;
}

class RedactorTest : public ::testing::Test {
 protected:
  std::string RedactOne(const std::string& name, const std::string& value) {
    http::Message m;
    m.headers.push_back({name, value});
    redactor_.Redact(m);
    return m.headers[0].value;
  }
  std::string Fp(std::string_view v) { return fp_.Of(v); }

  Fingerprinter fp_{TestKey()};
  CredentialRedactor redactor_{fp_};
};

TEST_F(RedactorTest, BearerKeepsSchemeOnly) {
  EXPECT_EQ(RedactOne("authorization", "Bearer abc.def-secret"), "Bearer " + Fp("abc.def-secret"));
  EXPECT_EQ(RedactOne("authorization", "  bearer   tok  "), "bearer " + Fp("tok"));
}

TEST_F(RedactorTest, JwtIsMarked) {
  EXPECT_EQ(RedactOne("authorization", std::string("Bearer ") + kJwt), "Bearer jwt " + Fp(kJwt));
  EXPECT_EQ(RedactOne("proxy-authorization", std::string("Bearer ") + kJwt),
            "Bearer jwt " + Fp(kJwt));
}

TEST_F(RedactorTest, BasicAndOtherSchemes) {
  EXPECT_EQ(RedactOne("authorization", "Basic dXNlcjpwYXNz"), "Basic " + Fp("dXNlcjpwYXNz"));
  EXPECT_EQ(RedactOne("authorization", "Digest username=\"bob\", response=\"abc\""),
            "Digest " + Fp("username=\"bob\", response=\"abc\""));
  EXPECT_EQ(RedactOne("proxy-authorization", "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=ff"),
            "AWS4-HMAC-SHA256 " + Fp("Credential=AKIA/x, Signature=ff"));
}

TEST_F(RedactorTest, ValueWithoutSchemeIsOnlyAFingerprint) {
  EXPECT_EQ(RedactOne("authorization", "rawsecrettoken"), Fp("rawsecrettoken"));
  EXPECT_EQ(RedactOne("authorization", kJwt), Fp(kJwt));
  // A first word that cannot be a scheme is not kept in clear.
  EXPECT_EQ(RedactOne("authorization", "se/cret rest"), Fp("se/cret rest"));
}

TEST_F(RedactorTest, CookieKeepsNames) {
  EXPECT_EQ(RedactOne("cookie", "sid=s3cr3t; theme=dark;;  csrf=xyz "),
            "sid=" + Fp("s3cr3t") + "; theme=" + Fp("dark") + "; csrf=" + Fp("xyz"));
  EXPECT_EQ(RedactOne("cookie", "lonelyvalue; a="), Fp("lonelyvalue") + "; a=");
}

TEST_F(RedactorTest, SetCookieKeepsAttributes) {
  EXPECT_EQ(RedactOne("set-cookie", "sid=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Lax"),
            "sid=" + Fp("s3cr3t") + "; Path=/; Secure; HttpOnly; SameSite=Lax");
}

TEST_F(RedactorTest, ApiKeyStyleHeaders) {
  for (const char* name :
       {"x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token", "x-csrf-token",
        "x-amz-security-token", "x-my-secret", "db-password", "x-session-id", "x-auth-user",
        "x-refresh-token", "my-apikey-v2", "x-functions-key", "ocp-apim-subscription-key",
        "api_key", "x-api_key", "key", "private_key"}) {
    EXPECT_EQ(RedactOne(name, " k3y-value "), Fp("k3y-value")) << name;
  }
}

TEST_F(RedactorTest, OrdinaryHeadersUntouched) {
  for (const char* name :
       {"accept", "content-type", "host", "user-agent", "www-authenticate", "proxy-authenticate",
        "sec-websocket-key", "idempotency-key", "keep-alive", "x-keyboard", "monkey"}) {
    EXPECT_EQ(RedactOne(name, "Bearer realm=\"api\""), "Bearer realm=\"api\"") << name;
  }
}

TEST_F(RedactorTest, EmptyValuesStayEmpty) {
  EXPECT_EQ(RedactOne("authorization", ""), "");
  EXPECT_EQ(RedactOne("x-api-key", "  "), "  ");
}

TEST_F(RedactorTest, NoSecretSurvivesAnywhere) {
  const std::string secrets[] = {"tok-AAAA1111",       "dXNlcjpwYXNzd29yZA", "cookie-BBBB2222",
                                 "setcookie-CCCC3333", "apikey-DDDD4444",    kJwt};
  http::Request m;
  m.method = "GET";
  m.target = "/";
  m.headers = {{"authorization", std::string("Bearer ") + secrets[0]},
               {"proxy-authorization", std::string("Basic ") + secrets[1]},
               {"cookie", std::string("a=") + secrets[2] + "; b=" + secrets[5]},
               {"set-cookie", std::string("c=") + secrets[3] + "; Path=/"},
               {"x-api-key", secrets[4]},
               {"authorization", std::string("Bearer ") + secrets[5]}};
  m.body_sample = "left as is";
  redactor_.Redact(m);
  std::string all;
  for (const auto& h : m.headers) all += h.name + ": " + h.value + "\n";
  for (const std::string& secret : secrets) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret << " in\n" << all;
    // Not even a recognisable piece of it.
    EXPECT_EQ(all.find(secret.substr(0, 8)), std::string::npos) << secret;
  }
  EXPECT_EQ(m.body_sample, "left as is");
  EXPECT_EQ(AuthScheme(m), "Bearer");
}

TEST_F(RedactorTest, RedactingTwiceIsStable) {
  http::Message m;
  m.headers = {{"authorization", "Bearer tok"}};
  redactor_.Redact(m);
  const std::string once = m.headers[0].value;
  redactor_.Redact(m);  // fingerprints a fingerprint: changes, but still reveals nothing
  EXPECT_TRUE(m.headers[0].value.starts_with("Bearer fp:"));
  EXPECT_NE(once.find("fp:"), std::string::npos);
}

TEST(CredentialHeadersTest, Classify) {
  EXPECT_EQ(ClassifyHeader("authorization"), CredentialKind::kAuthorization);
  EXPECT_EQ(ClassifyHeader("proxy-authorization"), CredentialKind::kAuthorization);
  EXPECT_EQ(ClassifyHeader("cookie"), CredentialKind::kCookie);
  EXPECT_EQ(ClassifyHeader("set-cookie"), CredentialKind::kSetCookie);
  EXPECT_EQ(ClassifyHeader("x-api-key"), CredentialKind::kOpaque);
  EXPECT_EQ(ClassifyHeader("x-xsrf-token"), CredentialKind::kOpaque);
  EXPECT_EQ(ClassifyHeader("www-authenticate"), CredentialKind::kNone);
  EXPECT_EQ(ClassifyHeader(":authority"), CredentialKind::kNone);
  EXPECT_EQ(ClassifyHeader("content-length"), CredentialKind::kNone);
}

TEST(CredentialHeadersTest, JwtShape) {
  EXPECT_TRUE(LooksLikeJwt(kJwt));
  EXPECT_TRUE(LooksLikeJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."));  // unsecured: no signature
  EXPECT_FALSE(LooksLikeJwt("abc.def.ghi"));                          // header is not JSON
  EXPECT_FALSE(LooksLikeJwt("eyJhbGci.eyJzdWIi"));                    // two parts
  EXPECT_FALSE(LooksLikeJwt("eyJa.eyJb.c.d.e"));                      // JWE, five parts
  EXPECT_FALSE(LooksLikeJwt("eyJa.ey+b.sig"));                        // not base64url
  EXPECT_FALSE(LooksLikeJwt("eyJa..sig"));
}

TEST(CredentialHeadersTest, AuthScheme) {
  http::Message m;
  EXPECT_EQ(AuthScheme(m), "");
  m.headers = {{"authorization", "Basic abc"}};
  EXPECT_EQ(AuthScheme(m), "Basic");
  m.headers = {{"authorization", "fp:0123456789abcdef"}};
  EXPECT_EQ(AuthScheme(m), "");
}

}  // namespace
}  // namespace apisensor::secrets
