// Near misses: values with the shape of a sensitive kind that fail its rules, and ordinary API
// content (ids, timestamps, prices, versions, code) that must not be reported at all.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/sensitive/scanner_test_support.h"

namespace apisensor::sensitive {
namespace {

class FalsePositiveTest : public ScannerTest {
 protected:
  void ExpectNone(std::string_view text) { EXPECT_EQ(Scan(text), KindSet{}) << text; }
  void ExpectNoKind(std::string_view text, Kind kind) {
    EXPECT_FALSE(Scan(text).Has(kind)) << KindName(kind) << " in: " << text;
  }
};

TEST_F(FalsePositiveTest, CardLookalikes) {
  ExpectNone("4111111111111112");  // Luhn fails
  ExpectNone("1234567890123452");  // Luhn holds, no network issues 1…
  ExpectNone("9876543210987658");  // …or 9…
  ExpectNone("7000000000000013");  // …or 7
  ExpectNone("order 4111111111111110 shipped");
  ExpectNone(R"({"order_id":1234567890123452,"ts":1732339301251})");
  ExpectNone("1732339301251202023");   // nanosecond timestamp
  ExpectNone("1700000000000");         // millisecond timestamp
  ExpectNone("41111111111111111111");  // 20 digits
  ExpectNone("0.4111111111111111");    // a fraction
  ExpectNone("4111111111111111.25");
  ExpectNone("txn_4111111111111111");  // part of an identifier
  ExpectNone("4111111111111111abc");
  ExpectNone("4111 1111-1111 1111");            // mixed separators
  ExpectNone("4111 1111 1111 1111 1111 1111");  // too many groups
  ExpectNone("12 4111 1111 1111 1111");         // one more group in front
  ExpectNone("3782 822463 10006");              // Amex layout, Luhn fails
  ExpectNone("5555555555554444555");            // Mastercard prefix, 19 digits
  ExpectNone("37828224631000");                 // Amex prefix, 14 digits
}

TEST_F(FalsePositiveTest, SsnLookalikes) {
  ExpectNone("000-12-3456");
  ExpectNone("666-12-3456");
  ExpectNone("900-12-3456");
  ExpectNone("999-45-6789");
  ExpectNone("123-00-4567");
  ExpectNone("123-45-0000");
  ExpectNone("078-05-1120");
  ExpectNone("219-09-9999");
  ExpectNone("ORD-123-45-6789");
  ExpectNone("123-45-67890");
  ExpectNone("2024-123-45-6789");
  ExpectNone("123456789");  // bare digits are any id
}

TEST_F(FalsePositiveTest, NinoLookalikes) {
  ExpectNone("QQ123456C");  // the documented example prefix is invalid
  ExpectNone("GB123456A");
  ExpectNone("AO123456A");
  ExpectNone("DA123456A");
  ExpectNone("AB123456E");
  ExpectNone("XAB123456C");
}

TEST_F(FalsePositiveTest, IbanLookalikes) {
  ExpectNone("DE88370400440532013000");  // wrong check digits
  ExpectNone("DE88 3704 0044 0532 0130 00");
  ExpectNone("XX89370400440532013000");   // no such country
  ExpectNone("DE8937040044053201300");    // one character short
  ExpectNone("DE893704004405320130001");  // one too many
  ExpectNone("DE89 3704 0044 0532 0130 0012");
  ExpectNone("DE89  3704 0044 0532 0130 00");
  ExpectNone("de89370400440532013000");
}

TEST_F(FalsePositiveTest, IpLookalikes) {
  ExpectNone("999.1.1.1");
  ExpectNone("256.1.1.1");
  ExpectNone("1.2.3.4.5");
  ExpectNone("version 1.2.3.4.5");
  ExpectNone("v1.2.3.4");
  ExpectNone("Chrome/120.0.6099.109");
  ExpectNone("Foo/1.2.3.4");
  ExpectNone("1.2.3.4-beta");
  ExpectNone("01.02.03.04");
  ExpectNone("1.2.3");
  ExpectNone("OID 1.3.6.1.4.1.311");
  ExpectNone("12:30:45");
  ExpectNone("2024-11-23T10:20:30.123+01:00");
  ExpectNone("00:1a:2b:3c:4d:5e");  // MAC address
  ExpectNone("de:ad:be:ef:ca:fe");
  ExpectNone("std::string and std::vector<int>");
  ExpectNone("a::b");
  ExpectNone("12::34");
  ExpectNone("Foo::Bar::Baz");
  ExpectNone("::1");  // documented miss: too short to tell from text
  ExpectNone("1:2:3:4:5:6:7");
  ExpectNone("1:2:3:4:5:6:7:8:9");
  ExpectNone("2001:db8::1::2");
}

TEST_F(FalsePositiveTest, PhoneLookalikes) {
  ExpectNone("1732339301");  // plain digit runs are never phones
  ExpectNone("4155552671");
  ExpectNone("2024-11-23");
  ExpectNone("+2024-11-23");
  ExpectNone("$1,234,567.89");
  ExpectNone("+1.5");
  ExpectNone("1e+10");
  ExpectNone("UTC+05:30");
  ExpectNone("+0530");
  ExpectNone("call 555-1234");
  ExpectNone("123-456-7890");  // area codes never start with 1
  ExpectNone("(123) 456-7890");
  ExpectNone("911-555-2671");       // N11 area code
  ExpectNone("415-911-2671");       // N11 exchange
  ExpectNone("x+14155552671");      // '+' as an operator or in base64
  ExpectNone("q=a+14155552671");    // '+' is a space in a form body
  ExpectNone("+1415555267199999");  // longer than E.164
  ExpectNone("+1 415");
  ExpectNone("ORD-415-555-2671");
  ExpectNone("415-555-2671-9");
}

TEST_F(FalsePositiveTest, EmailLookalikes) {
  ExpectNone("icon@2x.png");
  ExpectNone("logo@3x.webp");
  ExpectNone("user@localhost");
  ExpectNone("npm install lodash@4.17.21");
  ExpectNone("@media screen and (max-width: 600px)");
  ExpectNone("follow @bob.smith");
  ExpectNone("bob@example");
  ExpectNone("a@b.c");
  ExpectNone("a@b.c1");
  ExpectNone(".bob@example.com");
  ExpectNone("bob.@example.com");
  ExpectNone("bo..b@example.com");
  ExpectNone("bob@-example.com");
  ExpectNone(std::string(65, 'a') + "@example.com");
}

TEST_F(FalsePositiveTest, JwtLookalikes) {
  ExpectNone("eyJhbGciOkhTMjU2fQ.eyJzdWIiOiIxIn0.c2ln");       // header {"alg":HS256} is not JSON
  ExpectNone("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln");       // {"typ":"JWT"} has no alg
  ExpectNone("eyJhbGciOlsiSFMyNTYiXX0.eyJzdWIiOiIxIn0.c2ln");  // alg is not a string
  ExpectNone("xeyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.");         // inside a longer token
  ExpectNone("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0 and more");
  ExpectNone("eyJhbGciOiJub25lIn.eyJzdWIiOiIxIn0.");  // header of impossible length
}

TEST_F(FalsePositiveTest, PrivateKeyLookalikes) {
  ExpectNone("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n");
  ExpectNone("-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkq\n");
  ExpectNone("paste it as -----BEGIN PRIVATE KEY-----...-----END PRIVATE KEY-----");
  ExpectNone("-----BEGIN PRIVATE KEY-----<your key here>");
  ExpectNone("-----BEGIN PRIVATE KEY----- goes first");
}

TEST_F(FalsePositiveTest, CloudKeyLookalikes) {
  ExpectNone("AKIAIOSFODNN7EXAMPL");    // 19 characters
  ExpectNone("AKIAIOSFODNN7EXAMPLE1");  // 21
  ExpectNone("xAKIAIOSFODNN7EXAMPLE");
  ExpectNone("AKIA1111111111111111");                       // 1 is not in the key alphabet
  ExpectNone("AIDAIOSFODNN7EXAMPLE");                       // a user id, not a key
  ExpectNone("ghp_16C7e42F292c6912E7710c838347Ae178B4");    // one short
  ExpectNone("ghp_16C7e42F292c6912E7710c838347Ae178B4aX");  // one long
  ExpectNone("sk_test_4eC39HqLyjWDarjtT1zdp7dc");  // test mode keys are not secrets of value
  ExpectNone("ask_live_4eC39HqLyjWDarjtT1zdp7dc");
  ExpectNone("xoxb-123-abc");
  ExpectNone("AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBW");
}

TEST_F(FalsePositiveTest, PasswordLookalikes) {
  ExpectNone(R"({"password": ""})");
  ExpectNone(R"({"password":null,"user":"bob"})");
  ExpectNone(R"({"password":true})");
  ExpectNone(R"({"password":"********"})");
  ExpectNone(R"({"password":"[FILTERED]"})");
  ExpectNone(R"({"password":"\u2022\u2022\u2022"})");
  ExpectNone("{\"password\":\"\xE2\x80\xA2\xE2\x80\xA2\"}");
  ExpectNone("Please enter your password to continue.");
  ExpectNone("Forgot password? Reset your password: https://example.com/reset");
  ExpectNone(R"(<input type="password" name="password">)");
  ExpectNone(R"({"password_hint":"pet's name","passwordless":true})");
  ExpectNone(R"({"bypass":"yes","compass":"north","passenger":"Ann"})");
  ExpectNone("PWD=/home/bob");
  ExpectNone("password=&user=bob");
  ExpectNone("password= ");
  ExpectNone("</password>x");
  ExpectNone("<label>Password</label>");
  ExpectNone(R"({"type":"password"})");
  ExpectNone("my-password:");
}

TEST_F(FalsePositiveTest, OrdinaryApiTrafficIsClean) {
  ExpectNone(R"({"id":"3f2b9c1e-8d4a-4f6b-9a7e-2c5d8e1f0a3b","created_at":"2024-11-23T10:20:30Z",)"
             R"("amount":1999.99,"currency":"EUR","items":[{"sku":"AB-1234","qty":2}],)"
             R"("version":"2.14.1","next":"/v1/orders?page=2&limit=50","etag":"W/\"5e-1a2b\""})");
  ExpectNone(
      "GET /api/v1/users/1234567/orders HTTP/1.1\r\nHost: api.example.com\r\n"
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.109 Safari/537.36\r\n"
      "Accept: */*\r\nIf-None-Match: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"\r\n");
  ExpectNone(
      "body{font-family:sans-serif}@media (max-width:600px){.a{margin:0 4px}}"
      ".icon{background:url(/img/icon@2x.png)}");
  ExpectNone(R"({"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"})");
  ExpectNone(R"({"data":"SGVsbG8gV29ybGQrMTIzNDU2Nzg5MA+/1415555267199=="})");
  ExpectNone("lat=37.774929&lng=-122.419416&ts=1732339301251&price=12.50");
}

}  // namespace
}  // namespace apisensor::sensitive
