// The validators on their own, with the boundary values of each rule.
#include <gtest/gtest.h>

#include <string>

#include "agent/sensitive/card_number.h"
#include "agent/sensitive/iban.h"
#include "agent/sensitive/ip_address.h"
#include "agent/sensitive/json_shape.h"
#include "agent/sensitive/jwt.h"
#include "agent/sensitive/national_id.h"
#include "agent/sensitive/password_field.h"

namespace apisensor::sensitive {
namespace {

TEST(CardNumberTest, Luhn) {
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_TRUE(LuhnValid("4111111111111111"));
  EXPECT_FALSE(LuhnValid("4111111111111112"));
  EXPECT_FALSE(LuhnValid("0"));
  EXPECT_FALSE(LuhnValid("41111111x1111111"));
}

TEST(CardNumberTest, IssuerRangesAndLengths) {
  EXPECT_TRUE(IsPlausibleCardNumber("4111111111111111"));
  EXPECT_FALSE(IsPlausibleCardNumber("41111111111111111"));  // Visa has no 17-digit PANs
  EXPECT_TRUE(IsPlausibleCardNumber("2223003122003222"));    // 2221-2720
  EXPECT_FALSE(IsPlausibleCardNumber("2220000000000002"));   // just below the 2-series
  EXPECT_FALSE(IsPlausibleCardNumber("2721000000000008"));   // just above
  EXPECT_TRUE(IsPlausibleCardNumber("5105105105105100"));
  EXPECT_FALSE(IsPlausibleCardNumber("5605105105105108"));  // 56 is nobody's
  EXPECT_TRUE(IsPlausibleCardNumber("371449635398431"));
  EXPECT_FALSE(IsPlausibleCardNumber("3714496353984318"));  // Amex is 15 digits
  EXPECT_FALSE(IsPlausibleCardNumber("411111111111"));      // 12 digits
  EXPECT_FALSE(IsPlausibleCardNumber("41111111111111111111"));
  EXPECT_FALSE(IsPlausibleCardNumber(""));
}

TEST(NationalIdTest, UsSsnRules) {
  EXPECT_TRUE(IsValidUsSsn("123-45-6789"));
  EXPECT_TRUE(IsValidUsSsn("899-99-9999"));
  EXPECT_TRUE(IsValidUsSsn("001-01-0001"));
  EXPECT_FALSE(IsValidUsSsn("000-45-6789"));
  EXPECT_FALSE(IsValidUsSsn("666-45-6789"));
  EXPECT_FALSE(IsValidUsSsn("900-45-6789"));
  EXPECT_FALSE(IsValidUsSsn("123-00-6789"));
  EXPECT_FALSE(IsValidUsSsn("123-45-0000"));
  EXPECT_FALSE(IsValidUsSsn("078-05-1120"));
  EXPECT_FALSE(IsValidUsSsn("123456789"));
  EXPECT_FALSE(IsValidUsSsn("12a-45-6789"));
}

TEST(NationalIdTest, UkNinoRules) {
  EXPECT_TRUE(IsValidUkNino("AB123456C"));
  EXPECT_TRUE(IsValidUkNino("ZY123456D"));
  EXPECT_FALSE(IsValidUkNino("AB123456E"));
  EXPECT_FALSE(IsValidUkNino("QQ123456C"));
  EXPECT_FALSE(IsValidUkNino("AV123456C"));
  EXPECT_FALSE(IsValidUkNino("AO123456C"));
  EXPECT_TRUE(IsValidUkNino("OA123456C"));  // O is barred only second
  for (const char* prefix : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}) {
    EXPECT_FALSE(IsValidUkNino(std::string(prefix) + "123456A")) << prefix;
  }
  EXPECT_FALSE(IsValidUkNino("AB12345C"));
}

TEST(IbanTest, RegistryLengthsAndMod97) {
  EXPECT_EQ(IbanLengthForCountry("DE"), 22u);
  EXPECT_EQ(IbanLengthForCountry("NO"), 15u);
  EXPECT_EQ(IbanLengthForCountry("LC"), 32u);
  EXPECT_EQ(IbanLengthForCountry("US"), 0u);
  EXPECT_TRUE(IsValidIban("DE89370400440532013000"));
  EXPECT_TRUE(IsValidIban("GB82WEST12345698765432"));
  EXPECT_FALSE(IsValidIban("GB82WEST12345698765433"));
  EXPECT_FALSE(IsValidIban("GB28WEST12345698765432"));  // swapped check digits
  EXPECT_FALSE(IsValidIban("US12345678901234567890"));
  EXPECT_FALSE(IsValidIban("DE89 3704 0044 0532 0130 00"));
}

TEST(IpAddressTest, Ipv4) {
  EXPECT_TRUE(IsValidIpv4("0.0.0.0"));
  EXPECT_TRUE(IsValidIpv4("255.255.255.255"));
  EXPECT_FALSE(IsValidIpv4("256.0.0.1"));
  EXPECT_FALSE(IsValidIpv4("1.2.3"));
  EXPECT_FALSE(IsValidIpv4("1.2.3.4.5"));
  EXPECT_FALSE(IsValidIpv4("01.2.3.4"));
  EXPECT_FALSE(IsValidIpv4("1.2.3.4."));
  EXPECT_FALSE(IsValidIpv4("1..3.4"));
  EXPECT_FALSE(IsValidIpv4("1234.1.1.1"));
}

TEST(IpAddressTest, Ipv6) {
  EXPECT_TRUE(IsPlausibleIpv6("2001:db8::1"));
  EXPECT_TRUE(IsPlausibleIpv6("2001:db8::"));
  EXPECT_TRUE(IsPlausibleIpv6("1:2:3:4:5:6:7:8"));
  EXPECT_TRUE(IsPlausibleIpv6("::ffff:10.0.0.1"));
  EXPECT_TRUE(IsPlausibleIpv6("1:2:3:4:5:6:10.0.0.1"));
  EXPECT_FALSE(IsPlausibleIpv6("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(IsPlausibleIpv6("1:2:3:4::5:6:7:8"));  // "::" must stand for a group
  EXPECT_FALSE(IsPlausibleIpv6("12345::1"));
  EXPECT_FALSE(IsPlausibleIpv6("::1"));
  EXPECT_FALSE(IsPlausibleIpv6("2001:db8:::1"));
  EXPECT_FALSE(IsPlausibleIpv6(":2001:db8::1"));
  EXPECT_FALSE(IsPlausibleIpv6("2001:db8::1:"));
  EXPECT_FALSE(IsPlausibleIpv6("::ffff:10.0.0.256"));
  EXPECT_FALSE(IsPlausibleIpv6("1.2.3.4"));
  EXPECT_FALSE(IsPlausibleIpv6("g001:db8::1"));
}

TEST(JsonShapeTest, StrictObjects) {
  EXPECT_TRUE(JsonObjectHasStringMember(R"({"alg":"HS256"})", "alg"));
  EXPECT_TRUE(JsonObjectHasStringMember(R"( { "x" : [1, -2.5e3, true, null, {"y":{}}],
                                            "alg" : "a\"b\u00e9" } )",
                                        "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(R"({"alg":1})", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(R"({"x":{"alg":"a"}})", "alg"));  // top level only
  EXPECT_FALSE(JsonObjectHasStringMember(R"({"alg":"a",})", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(R"({"alg":"a"} x)", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(R"({"alg":"a\q"})", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(R"({"alg":01})", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(R"(["alg"])", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember("{\"alg\":\"a\nb\"}", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(R"({"alg":"a")", "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember("", "alg"));
}

TEST(JsonShapeTest, NestingIsCapped) {
  const auto nested = [](int depth) {
    return R"({"alg":"a","x":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  EXPECT_TRUE(JsonObjectHasStringMember(nested(kMaxJsonDepth - 1), "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(nested(kMaxJsonDepth), "alg"));
  EXPECT_FALSE(JsonObjectHasStringMember(nested(100000), "alg"));  // no stack overflow
}

TEST(JwtTest, HeaderMustBeJsonWithAlg) {
  EXPECT_EQ(CheckJwtHeader("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"), JwtHeaderVerdict::kHeader);
  EXPECT_EQ(CheckJwtHeader("eyJhbGciOkhTMjU2fQ"), JwtHeaderVerdict::kNotAHeader);
  EXPECT_EQ(CheckJwtHeader("eyJ0eXAiOiJKV1QifQ"), JwtHeaderVerdict::kNotAHeader);
  EXPECT_EQ(CheckJwtHeader("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9="), JwtHeaderVerdict::kNotAHeader);
  EXPECT_EQ(CheckJwtHeader("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ"), JwtHeaderVerdict::kNotAHeader);
  EXPECT_EQ(CheckJwtHeader(std::string(kMaxJwtHeaderChars + 1, 'A')), JwtHeaderVerdict::kTooLong);
  EXPECT_EQ(CheckJwtHeader(""), JwtHeaderVerdict::kNotAHeader);
}

TEST(PasswordFieldTest, Names) {
  for (const char* name :
       {"password", "Password", "PASSWORD", "passwd", "pwd", "pass", "passphrase", "passcode",
        "secret", "client_secret", "clientSecret", "new_password", "confirmPassword", "db_pass",
        "user-pwd", "dbPass", "user[password]", "user%5Bpassword%5D", "user%5bpassword%5d"}) {
    EXPECT_TRUE(IsPasswordFieldName(name)) << name;
  }
  for (const char* name : {"", "PWD", "bypass", "compass", "passenger", "password_hint",
                           "passwordless", "pwds", "username", "user[name]", "passport"}) {
    EXPECT_FALSE(IsPasswordFieldName(name)) << name;
  }
  EXPECT_FALSE(IsPasswordFieldName(std::string(kMaxFieldNameLength, 'x') + "password"));
}

TEST(PasswordFieldTest, Placeholders) {
  for (const char* value :
       {"", "*", "********", "\xE2\x80\xA2\xE2\x80\xA2", "\\u2022", "\\u002A\\u002a", "[FILTERED]",
        "[redacted]", "<REDACTED>", "null", "undefined"}) {
    EXPECT_TRUE(IsPlaceholderValue(value)) << value;
  }
  for (const char* value : {"hunter2", "*a*", "nul", "0", " ", "redacted!"}) {
    EXPECT_FALSE(IsPlaceholderValue(value)) << value;
  }
}

}  // namespace
}  // namespace apisensor::sensitive
