// True positives: every kind in the forms APIs carry it, alone and inside JSON, form and
// multipart bodies, at the very start and end of the buffer. Each expectation names the exact
// set, so a value that also trips another kind fails the test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/sensitive/scanner_test_support.h"

namespace apisensor::sensitive {
namespace {

constexpr char kJwt[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

TEST_F(ScannerTest, Email) {
  const KindSet email{Kind::kEmail};
  EXPECT_EQ(Scan("alice@example.com"), email);
  EXPECT_EQ(Scan(R"({"id":7,"email":"bob.smith+tag@mail.example.co.uk"})"), email);
  EXPECT_EQ(Scan("write to Jane_Doe-1@sub.example-domain.org."), email);
  EXPECT_EQ(Scan("mailto:x@a.io"), email);
  EXPECT_EQ(Scan("email=carol%40example.net&x=1"), KindSet{});  // URL-encoded '@' is not seen
}

TEST_F(ScannerTest, PhoneInternational) {
  const KindSet phone{Kind::kPhone};
  EXPECT_EQ(Scan("+14155552671"), phone);
  EXPECT_EQ(Scan(R"({"phone":"+1 (415) 555-2671"})"), phone);
  EXPECT_EQ(Scan("tel: +44 20 7946 0958"), phone);
  EXPECT_EQ(Scan("+49-30-901820"), phone);
  EXPECT_EQ(Scan("+33 1 23 45 67 89"), phone);
  EXPECT_EQ(Scan("+44(0)20 7946 0958"), phone);
  EXPECT_EQ(Scan("phone=%2B14155552671&next=1"), phone);
}

TEST_F(ScannerTest, PhoneNorthAmerican) {
  const KindSet phone{Kind::kPhone};
  EXPECT_EQ(Scan("(415) 555-2671"), phone);
  EXPECT_EQ(Scan("call (415)555-2671 now"), phone);
  EXPECT_EQ(Scan(R"({"tel":"415-555-2671"})"), phone);
  EXPECT_EQ(Scan("415.555.2671"), phone);
  EXPECT_EQ(Scan("1-415-555-2671"), phone);
}

TEST_F(ScannerTest, CreditCardNetworks) {
  const KindSet card{Kind::kCreditCard};
  for (const char* pan : {
           "4111111111111111",     // Visa 16
           "4222222222222",        // Visa 13
           "4000000000000000006",  // Visa 19
           "5555555555554444",     // Mastercard
           "2223003122003222",     // Mastercard 2-series
           "378282246310005",      // Amex
           "6011111111111117",     // Discover
           "6011000000000000001",  // Discover 19
           "3530111333300000",     // JCB
           "30569309025904",       // Diners 14
           "6200000000000005",     // UnionPay
           "6759649826438453",     // Maestro
           "2200000000000004",     // Mir
       }) {
    const std::string value(pan);
    EXPECT_EQ(Scan(R"({"pan":")" + value + R"("})"), card) << pan;
    // The run pattern needs 16 characters, counting the punctuation around the value.
    if (value.size() >= 14) {
      EXPECT_EQ(Scan(R"({"pan":)" + value + "}"), card) << pan;
    }
    if (value.size() >= 15) {
      EXPECT_EQ(Scan("card_number=" + value + "&exp=1229"), card) << pan;
    }
    if (value.size() >= 16) {
      EXPECT_EQ(Scan("card " + value + " ok"), card) << pan;
    }
  }
}

// Documented limit: 13-15 digit numbers are found where values are delimited as in JSON and
// forms, not as bare words in prose.
TEST_F(ScannerTest, ShortCardNumbersNeedValueDelimiters) {
  EXPECT_EQ(Scan("card 378282246310005 ok"), KindSet{});
  EXPECT_EQ(Scan(R"({"amex": "378282246310005"})"), KindSet{Kind::kCreditCard});
  EXPECT_EQ(Scan("<pan>378282246310005</pan>"), KindSet{});
}

TEST_F(ScannerTest, CreditCardPrintedLayouts) {
  const KindSet card{Kind::kCreditCard};
  EXPECT_EQ(Scan("4111 1111 1111 1111"), card);  // test PANs are reported: real PAN shape
  EXPECT_EQ(Scan("card: 4111-1111-1111-1111, exp 12/29"), card);
  EXPECT_EQ(Scan("4000 0000 0000 0000 006"), card);
  EXPECT_EQ(Scan("3782 822463 10005"), card);  // Amex 4-6-5
  EXPECT_EQ(Scan("3056 930902 5904"), card);   // Diners 4-6-4
}

TEST_F(ScannerTest, NationalIds) {
  const KindSet id{Kind::kNationalId};
  EXPECT_EQ(Scan("SSN 123-45-6789"), id);
  EXPECT_EQ(Scan(R"({"ssn":"078-05-1121"})"), id);
  EXPECT_EQ(Scan(R"({"nino":"AB123456C"})"), id);
  EXPECT_EQ(Scan("NINO AB123456C"), KindSet{});  // documented: bare compact NINOs are not read
  EXPECT_EQ(Scan("JG 10 37 72 A"), id);
}

TEST_F(ScannerTest, Iban) {
  const KindSet iban{Kind::kIban};
  for (const char* value :
       {"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32", "BE68539007547034", "BE68 5390 0754 7034",
        "NO93 8601 1117 947", "FR1420041010050500013M02606", "CH9300762011623852957"}) {
    EXPECT_EQ(Scan(value), iban) << value;
    EXPECT_EQ(Scan(std::string(R"({"iban":")") + value + R"(","bic":"COBADEFFXXX"})"), iban)
        << value;
  }
  EXPECT_EQ(Scan("pay to BE68 5390 0754 7034 EUR 10"), iban);
  EXPECT_EQ(Scan(R"({"iban":"NO9386011117947"})"), iban);
  EXPECT_EQ(Scan("iban=NO9386011117947"), iban);
  EXPECT_EQ(Scan("IBAN NO9386011117947"), KindSet{});  // documented: 15 characters, bare
}

TEST_F(ScannerTest, IpAddresses) {
  const KindSet ip{Kind::kIpAddress};
  for (const char* value :
       {"10.0.0.1", "192.168.1.254", "client 203.0.113.7 connected", R"({"ip":"255.255.255.255"})",
        "0.0.0.0", "10.0.0.0/8", "x-forwarded-for: 198.51.100.2, 10.1.2.3",
        "http://172.16.0.9:8080/", "2001:db8::8a2e:370:7334", "fe80::1%eth0", "[2001:db8::1]:8080",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::ffff:192.0.2.128", "2001:db8:0:0:1:0:0:1",
        "ip:2001:db8::1", "addr 2001:db8::1.", "2a01:e35:2f1c:8b90:d5c1:4f8:f2b6:71e6"}) {
    EXPECT_EQ(Scan(value), ip) << value;
  }
}

TEST_F(ScannerTest, Jwt) {
  const KindSet jwt{Kind::kJwt};
  EXPECT_EQ(Scan(kJwt), jwt);
  EXPECT_EQ(Scan(std::string("Bearer ") + kJwt), jwt);
  EXPECT_EQ(Scan(std::string(R"({"access_token":")") + kJwt + R"(","expires_in":3600})"), jwt);
  // alg "none" has an empty signature; a header with a nested JWK; a sample cut in the payload.
  EXPECT_EQ(Scan("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."), jwt);
  EXPECT_EQ(Scan("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwiandrIjp7Imt0eSI6IlJTQSIsImUiOiJBUUFCIn19."
                 "eyJzdWIiOiIxIn0.c2ln"),
            jwt);
  EXPECT_EQ(Scan("token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0"), jwt);
  // JWE: five segments, header {"alg":"RSA-OAEP","enc":"A256GCM"}.
  EXPECT_EQ(
      Scan("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZ."
           "48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji."
           "XFBoMYUZodetZdvTiFvSkQ"),
      jwt);
}

TEST_F(ScannerTest, PrivateKeys) {
  const KindSet key{Kind::kPrivateKey};
  EXPECT_EQ(Scan("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7dkj3\n"), key);
  EXPECT_EQ(Scan(R"({"key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n"})"), key);
  EXPECT_EQ(Scan("-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU"), key);
  EXPECT_EQ(Scan("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04"), key);
  EXPECT_EQ(Scan("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w"), key);
  EXPECT_EQ(Scan("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"), key);
  EXPECT_EQ(Scan("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0pGSQBCADDtFDbXyz0k\n"), key);
  EXPECT_EQ(Scan("trailing sample -----BEGIN PRIVATE KEY-----"), key);  // cut by the sample cap
}

TEST_F(ScannerTest, CloudAccessKeys) {
  const KindSet cloud{Kind::kCloudAccessKey};
  for (const char* value : {
           "AKIAIOSFODNN7EXAMPLE",
           "aws_access_key_id=ASIAY34FZKBOKMUTVV7A",
           R"({"key":"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"})",
           "token ghp_16C7e42F292c6912E7710c838347Ae178B4a end",
           "gho_16C7e42F292c6912E7710c838347Ae178B4a",
           "github_pat_11ABCDEFG0123456789abc_"
           "0123456789abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHI",
           "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
           "Authorization: Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc",
           "rk_live_51H8cTrLkdIwHu7ixAbCdEfGhIjKlMnOp",
       }) {
    EXPECT_EQ(Scan(value), cloud) << value;
  }
}

TEST_F(ScannerTest, PasswordFields) {
  const KindSet password{Kind::kPassword};
  for (const char* value : {
           R"({"username":"bob","password":"hunter2"})",
           R"({"user": {"new_password" : "s3cret!"}})",
           R"({"clientSecret":"abc123"})",
           R"({"client_secret":"abc123"})",
           R"({"DB_PASS": "x"})",
           R"({"password": 123456})",
           R"({"payload":"{\"password\":\"hunter2\"}"})",
           "username=bob&password=hunter2",
           "grant_type=client_credentials&client_secret=abc&scope=x",
           "user%5Bpassword%5D=hunter2",
           "user[password]=hunter2&commit=1",
           "GET /login?user=bob&pwd=hunter2",
           "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nhunter2\r\n--b--",
           "<login><user>bob</user><password>hunter2</password></login>",
           "<ns:Password>hunter2</ns:Password>",
       }) {
    EXPECT_EQ(Scan(value), password) << value;
  }
}

TEST_F(ScannerTest, FieldNameMakesAPassword) {
  Scanner::Scratch& scratch = scratch_;
  const Scanner& scanner = SharedScanner();
  EXPECT_EQ(scanner.ScanField("password", "hunter2", scratch), KindSet{Kind::kPassword});
  EXPECT_EQ(scanner.ScanField("X-Client-Secret", "abc", scratch), KindSet{Kind::kPassword});
  EXPECT_EQ(scanner.ScanField("password", "", scratch), KindSet{});
  EXPECT_EQ(scanner.ScanField("password", "****", scratch), KindSet{});
  EXPECT_EQ(scanner.ScanField("q", "hunter2", scratch), KindSet{});
  EXPECT_EQ(scanner.ScanField("contact", "bob@example.com", scratch), KindSet{Kind::kEmail});
  EXPECT_EQ(scanner.ScanField("secret", "bob@example.com", scratch),
            (KindSet{Kind::kEmail, Kind::kPassword}));
}

TEST_F(ScannerTest, ScanFieldsJoinsValuesWithoutMergingThem) {
  const Scanner& scanner = SharedScanner();
  const std::vector<Field> headers = {
      {"host", "api.example.com"},
      {"x-forwarded-for", "198.51.100.2"},
      {"x-client-secret", "abc"},
      {"x-contact", "ann@corp.example.com"},
  };
  EXPECT_EQ(scanner.ScanFields(headers, scratch_),
            (KindSet{Kind::kIpAddress, Kind::kPassword, Kind::kEmail}));
  EXPECT_EQ(scanner.ScanFields(headers, scratch_, {Kind::kPassword, Kind::kEmail}),
            KindSet{Kind::kIpAddress});
  // Pieces of one value in neighbouring fields stay apart.
  const std::vector<Field> pieces = {
      {"a", "4111 1111"},      {"b", "1111 1111"},    {"c", "+1415"},          {"d", "5552671"},
      {"e", "DE89 3704 0044"}, {"f", "0532 0130 00"}, {"password", "********"}};
  EXPECT_EQ(scanner.ScanFields(pieces, scratch_), KindSet{});
  EXPECT_EQ(scanner.ScanFields({}, scratch_), KindSet{});
}

TEST_F(ScannerTest, ScanFieldsHandlesValuesBeyondItsBuffer) {
  const Scanner& scanner = SharedScanner();
  const std::string big = std::string(kFieldBufferBytes, 'x') + " a@b.io";
  const std::string half = std::string(kFieldBufferBytes / 2, 'y');
  const std::vector<Field> fields = {
      {"h1", half}, {"h2", half}, {"h3", "10.0.0.1"}, {"h4", big}, {"h5", "4111111111111111"}};
  const uint64_t scans = scratch_.stats().scans;
  EXPECT_EQ(scanner.ScanFields(fields, scratch_),
            (KindSet{Kind::kIpAddress, Kind::kEmail, Kind::kCreditCard}));
  EXPECT_EQ(scratch_.stats().scans - scans, 3u);  // half+half do not fit together; big alone
}

TEST_F(ScannerTest, NeighbouringValuesDoNotSwallowEachOther) {
  EXPECT_EQ(Scan("+14155552671 4111111111111111"), (KindSet{Kind::kPhone, Kind::kCreditCard}));
  EXPECT_EQ(Scan("+1 415 555 2671 4111 1111 1111 1111"), (KindSet{Kind::kPhone}))
      << "joined by a space, the card's groups continue the phone's, so its layout is not exact";
  EXPECT_EQ(Scan("4111111111111111 123-45-6789"), (KindSet{Kind::kCreditCard, Kind::kNationalId}));
  EXPECT_EQ(Scan("10.0.0.1,10.0.0.2"), KindSet{Kind::kIpAddress});
  EXPECT_EQ(Scan("a@b.io,c@d.io"), KindSet{Kind::kEmail});
}

TEST_F(ScannerTest, RealisticResponseBodyReportsEveryKindItHolds) {
  const std::string body =
      std::string(R"({"user":{"id":42,"name":"Ann Lee","email":"ann@corp.example",)") +
      R"("phone":"+1 415 555 2671","last_login_ip":"203.0.113.9",)" +
      R"("created_at":"2024-11-23T10:20:30.123Z","balance":1234.56},)" +
      R"("payment":{"card":"5555 5555 5555 4444","iban":"DE89370400440532013000"},)" +
      R"("session":")" + kJwt + R"(","ssn":"123-45-6789"})";
  EXPECT_EQ(Scan(body), (KindSet{Kind::kEmail, Kind::kPhone, Kind::kIpAddress, Kind::kCreditCard,
                                 Kind::kIban, Kind::kJwt, Kind::kNationalId}));
}

TEST_F(ScannerTest, ValuesAtTheEdgesOfTheBuffer) {
  EXPECT_EQ(Scan("4111111111111111 is the card"), KindSet{Kind::kCreditCard});
  EXPECT_EQ(Scan("card is 4111111111111111"), KindSet{Kind::kCreditCard});
  EXPECT_EQ(Scan("a@b.io"), KindSet{Kind::kEmail});
  EXPECT_EQ(Scan("1.2.3.4"), KindSet{Kind::kIpAddress});
  EXPECT_EQ(Scan("password=x"), KindSet{Kind::kPassword});
  EXPECT_EQ(Scan(R"("AB123456C")"), KindSet{Kind::kNationalId});
  EXPECT_EQ(Scan("2001:db8::1"), KindSet{Kind::kIpAddress});
  EXPECT_EQ(Scan("AKIAIOSFODNN7EXAMPLE"), KindSet{Kind::kCloudAccessKey});
}

}  // namespace
}  // namespace apisensor::sensitive
