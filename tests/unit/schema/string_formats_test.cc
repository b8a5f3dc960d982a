// The format recognisers and the id-like key test, with the near misses that must not pass.
#include "agent/schema/string_formats.h"

#include <gtest/gtest.h>

#include "agent/schema/property_keys.h"

namespace apisensor::schema {
namespace {

TEST(StringFormatsTest, Date) {
  EXPECT_TRUE(IsDate("2024-02-29"));
  EXPECT_TRUE(IsDate("2000-02-29"));
  EXPECT_TRUE(IsDate("1999-12-31"));
  EXPECT_FALSE(IsDate("1900-02-29"));  // not a leap year
  EXPECT_FALSE(IsDate("2023-02-29"));
  EXPECT_FALSE(IsDate("2024-04-31"));
  EXPECT_FALSE(IsDate("2024-00-10"));
  EXPECT_FALSE(IsDate("2024-01-00"));
  EXPECT_FALSE(IsDate("2024-1-01"));
  EXPECT_FALSE(IsDate("2024/01/01"));
  EXPECT_FALSE(IsDate("2024-01-01 "));
  EXPECT_FALSE(IsDate(""));
}

TEST(StringFormatsTest, DateTime) {
  EXPECT_TRUE(IsDateTime("2024-05-01T10:00:00Z"));
  EXPECT_TRUE(IsDateTime("2024-05-01t10:00:00z"));
  EXPECT_TRUE(IsDateTime("2024-05-01T23:59:60.123456789+14:00"));
  EXPECT_TRUE(IsDateTime("2024-05-01T00:00:00-05:30"));
  EXPECT_FALSE(IsDateTime("2024-05-01T10:00:00"));   // no offset
  EXPECT_FALSE(IsDateTime("2024-05-01 10:00:00Z"));  // space separator
  EXPECT_FALSE(IsDateTime("2024-05-01T24:00:00Z"));
  EXPECT_FALSE(IsDateTime("2024-05-01T10:60:00Z"));
  EXPECT_FALSE(IsDateTime("2024-05-01T10:00:61Z"));
  EXPECT_FALSE(IsDateTime("2024-05-01T10:00:00.Z"));
  EXPECT_FALSE(IsDateTime("2024-05-01T10:00:00+0500"));
  EXPECT_FALSE(IsDateTime("2024-05-01T10:00:00+05:00x"));
  EXPECT_FALSE(IsDateTime("2024-05-01T10:00:00Zx"));
  EXPECT_FALSE(IsDateTime("2024-13-01T10:00:00Z"));
}

TEST(StringFormatsTest, Email) {
  EXPECT_TRUE(IsEmail("ann@example.com"));
  EXPECT_TRUE(IsEmail("first.last+tag@sub.example.co.uk"));
  EXPECT_TRUE(IsEmail("o'hara@x-y.example"));
  EXPECT_FALSE(IsEmail("ann@localhost"));
  EXPECT_FALSE(IsEmail("ann@"));
  EXPECT_FALSE(IsEmail("@example.com"));
  EXPECT_FALSE(IsEmail("ann@@example.com"));
  EXPECT_FALSE(IsEmail("ann@exa@mple.com"));
  EXPECT_FALSE(IsEmail("a..b@example.com"));
  EXPECT_FALSE(IsEmail("ann.@example.com"));
  EXPECT_FALSE(IsEmail("ann smith@example.com"));
  EXPECT_FALSE(IsEmail("ann@-example.com"));
  EXPECT_FALSE(IsEmail("ann@example..com"));
  EXPECT_FALSE(IsEmail("http://ann@example.com"));  // ':' is not in a dot-atom
}

TEST(StringFormatsTest, Uuid) {
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsUuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a4566-42661417400"));
  EXPECT_FALSE(IsUuid("{123e4567-e89b-12d3-a456-426614174000}"));
}

TEST(StringFormatsTest, Ipv4) {
  EXPECT_TRUE(IsIpv4("0.0.0.0"));
  EXPECT_TRUE(IsIpv4("255.255.255.255"));
  EXPECT_TRUE(IsIpv4("10.0.12.1"));
  EXPECT_FALSE(IsIpv4("256.0.0.1"));
  EXPECT_FALSE(IsIpv4("1.2.3"));
  EXPECT_FALSE(IsIpv4("1.2.3.4.5"));
  EXPECT_FALSE(IsIpv4("01.2.3.4"));
  EXPECT_FALSE(IsIpv4("1.2.3.4."));
  EXPECT_FALSE(IsIpv4("1..2.3"));
  EXPECT_FALSE(IsIpv4("1234.1.1.1"));
  EXPECT_FALSE(IsIpv4("1.2.3.-4"));
}

TEST(StringFormatsTest, HttpUri) {
  EXPECT_TRUE(IsHttpUri("http://example.com"));
  EXPECT_TRUE(IsHttpUri("HTTPS://example.com:8443/a/b?c=d&e=%20#f"));
  EXPECT_TRUE(IsHttpUri("https://[::1]/x"));
  EXPECT_FALSE(IsHttpUri("ftp://example.com"));
  EXPECT_FALSE(IsHttpUri("https://"));
  EXPECT_FALSE(IsHttpUri("https:///path"));
  EXPECT_FALSE(IsHttpUri("https://exa mple.com"));
  EXPECT_FALSE(IsHttpUri("https://example.com/<script>"));
  EXPECT_FALSE(IsHttpUri("/relative/path"));
  EXPECT_FALSE(IsHttpUri("httpx://example.com"));
}

TEST(StringFormatsTest, MatchFormatsOnlyChecksCandidates) {
  const uint8_t date = FormatBit(StringFormat::kDate);
  const uint8_t uuid = FormatBit(StringFormat::kUuid);
  EXPECT_EQ(MatchFormats("2024-01-01", kAllFormats), date);
  EXPECT_EQ(MatchFormats("2024-01-01", uuid), 0);
  EXPECT_EQ(MatchFormats("123e4567-e89b-12d3-a456-426614174000", kAllFormats), uuid);
  EXPECT_EQ(MatchFormats("plain", kAllFormats), 0);
  EXPECT_EQ(MatchFormats("", kAllFormats), 0);
}

TEST(PropertyKeysTest, IdLikeKeys) {
  for (const char* key : {"0", "42", "00123", "123e4567-e89b-12d3-a456-426614174000", "2024-05-01",
                          "2024-05-01T10:00:00Z", "ann@example.com", "10.1.2.3",
                          "5f2b8c9d1e3a4b5c6d7e8f90", "cus_9s6XKzkNRiz8i3", "a1b2c3d4e5f6g7"}) {
    EXPECT_TRUE(LooksLikeDynamicKey(key)) << key;
  }
}

TEST(PropertyKeysTest, FieldNamesAreNotIds) {
  for (const char* key :
       {"", "id", "user_id", "v2", "address_line_2", "iso8601_timestamp", "sha256_fingerprint",
        "x509Certificate", "utf8", "oauth2_scopes", "deadbeefcafe", "createdAt", "http2_enabled",
        "@context", "$ref", "last_4_digits", "ipv4_address", "h264", "a-b-c-d-e-f-g"}) {
    EXPECT_FALSE(LooksLikeDynamicKey(key)) << key;
  }
}

TEST(PropertyKeysTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

}  // namespace
}  // namespace apisensor::schema
