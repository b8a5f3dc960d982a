#include "agent/templating/segment_classifier.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace apisensor::templating {
namespace {

struct Case {
  std::string_view segment;
  SegmentKind kind;
};

void ExpectKinds(std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(ClassifySegment(c.segment), c.kind) << "segment: " << c.segment;
  }
}

TEST(SegmentClassifierTest, Integers) {
  ExpectKinds({{"0", SegmentKind::kInteger},
               {"42", SegmentKind::kInteger},
               {"1234567890123456789012345", SegmentKind::kInteger},
               // A compact date is a number like any other.
               {"20240131", SegmentKind::kInteger}});
}

TEST(SegmentClassifierTest, UuidsInEitherCase) {
  ExpectKinds({{"9f8c2a1e-4b7d-4c1a-9e3f-0a1b2c3d4e5f", SegmentKind::kUuid},
               {"9F8C2A1E-4B7D-4C1A-9E3F-0A1B2C3D4E5F", SegmentKind::kUuid},
               {"00000000-0000-0000-0000-000000000000", SegmentKind::kUuid}});
}

TEST(SegmentClassifierTest, UuidNearMissesAreNotUuids) {
  // Hyphen one position off, a non-hex letter, one digit short.
  EXPECT_NE(ClassifySegment("9f8c2a1e4-b7d-4c1a-9e3f-0a1b2c3d4e5f"), SegmentKind::kUuid);
  EXPECT_NE(ClassifySegment("9f8c2a1e-4b7d-4c1a-9e3f-0a1b2c3d4e5g"), SegmentKind::kUuid);
  EXPECT_NE(ClassifySegment("9f8c2a1e-4b7d-4c1a-9e3f-0a1b2c3d4e5"), SegmentKind::kUuid);
}

TEST(SegmentClassifierTest, ObjectIdsAndHexDigests) {
  ExpectKinds(
      {{"507f1f77bcf86cd799439011", SegmentKind::kObjectId},
       {"507F1F77BCF86CD799439011", SegmentKind::kObjectId},
       // sha1, sha256, md5, an 8-digit short sha
       {"da39a3ee5e6b4b0d3255bfef95601890afd80709", SegmentKind::kHex},
       {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", SegmentKind::kHex},
       {"d41d8cd98f00b204e9800998ecf8427e", SegmentKind::kHex},
       {"9f8c2a1e", SegmentKind::kHex}});
}

TEST(SegmentClassifierTest, HexLettersWithoutDigitsAreWords) {
  // English words spelled with a-f only.
  ExpectKinds({{"deadbeef", SegmentKind::kLiteral},
               {"facade", SegmentKind::kLiteral},
               {"accede", SegmentKind::kLiteral},
               {"decade", SegmentKind::kLiteral}});
}

TEST(SegmentClassifierTest, Dates) {
  ExpectKinds({{"2024-01-31", SegmentKind::kDate},
               {"1999-12-01", SegmentKind::kDate},
               {"2024-01", SegmentKind::kDate},
               {"2024-01-31T10:15:30Z", SegmentKind::kDate},
               {"2024-01-31T10:15:30.123+02:00", SegmentKind::kDate}});
}

TEST(SegmentClassifierTest, DateNearMissesAreNotDates) {
  // Month 13, day 32, year out of range, trailing garbage, hour 25, slash-free US order.
  for (std::string_view s : {"2024-13-01", "2024-01-32", "1024-01-01", "2024-01-31x",
                             "2024-01-31T25:00", "01-31-2024", "2024-1-31"}) {
    EXPECT_NE(ClassifySegment(s), SegmentKind::kDate) << s;
  }
  EXPECT_EQ(ClassifySegment("2024-13-01"), SegmentKind::kLiteral);
}

TEST(SegmentClassifierTest, Emails) {
  ExpectKinds({{"ada@example.com", SegmentKind::kEmail},
               {"first.last+tag@mail.example.co.uk", SegmentKind::kEmail},
               {"a_b-c@sub-domain.example.io", SegmentKind::kEmail}});
}

TEST(SegmentClassifierTest, EmailNearMisses) {
  ExpectKinds({{"user@localhost", SegmentKind::kLiteral},  // no dot in the domain
               {"@example.com", SegmentKind::kLiteral},
               {"a@@example.com", SegmentKind::kLiteral},
               {"a@example.c", SegmentKind::kLiteral},    // one-letter TLD
               {"a@example.c0m", SegmentKind::kLiteral},  // digit in the TLD
               {"a@example..com", SegmentKind::kLiteral},
               {"@me", SegmentKind::kLiteral}});
}

TEST(SegmentClassifierTest, HighEntropyTokens) {
  ExpectKinds({{"a1b2c3", SegmentKind::kToken},
               {"x7Kp92mQ", SegmentKind::kToken},
               {"a1b2c3d", SegmentKind::kToken},  // 7-character short sha: too short for hex
               {"ORD12345678", SegmentKind::kToken},
               {"INV-000123", SegmentKind::kToken},
               {"cust_000123", SegmentKind::kToken},
               {"pi_3MtwBwLkdIwHu7ix28a3tqPa", SegmentKind::kToken},
               {"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA", SegmentKind::kToken},    // base64url, no padding
               {"uqENvZYHsszybX7JqRh-uf7a_hfYyvTU", SegmentKind::kToken},  // few digits
               {"kQwErTyUiOpAsDfGhJ", SegmentKind::kToken},                // no digit at all
               {"dGVzdA==", SegmentKind::kToken},                          // base64 with padding
               {"q0Z8rT3vW_x-1bN7yLmK2A", SegmentKind::kToken},
               {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", SegmentKind::kToken}});
}

TEST(SegmentClassifierTest, NamesStayLiteral) {
  ExpectKinds({{"users", SegmentKind::kLiteral},
               {"me", SegmentKind::kLiteral},
               {"search", SegmentKind::kLiteral},
               {"api", SegmentKind::kLiteral},
               {"orders", SegmentKind::kLiteral},
               {"v1", SegmentKind::kLiteral},
               {"v2", SegmentKind::kLiteral},
               {"v10", SegmentKind::kLiteral},
               {"v20240131", SegmentKind::kLiteral},  // date-versioned API
               {"V3", SegmentKind::kLiteral},
               {"sha256", SegmentKind::kLiteral},  // one letter/digit switch
               {"sha512", SegmentKind::kLiteral},
               {"x86_64", SegmentKind::kLiteral},
               {"iso8601", SegmentKind::kLiteral},
               {"oauth2", SegmentKind::kLiteral},
               {"mp3-320kbps", SegmentKind::kLiteral},
               {"getUserProfileById", SegmentKind::kLiteral},  // camelCase RPC name
               {"XMLHttpRequest", SegmentKind::kLiteral},
               {"getHTTPResponseCode", SegmentKind::kLiteral},
               {"CreateDBClusterSnapshot", SegmentKind::kLiteral},
               {"HelloWorld-Final-Draft", SegmentKind::kLiteral},
               {"index.html", SegmentKind::kLiteral},
               {"favicon.ico", SegmentKind::kLiteral},
               {"1.0", SegmentKind::kLiteral},
               {"", SegmentKind::kLiteral}});
}

TEST(SegmentClassifierTest, SlugsStayLiteral) {
  ExpectKinds({{"how-to-build-an-api-in-2024", SegmentKind::kLiteral},
               {"top-10-tips", SegmentKind::kLiteral},
               {"2024-annual-report", SegmentKind::kLiteral},
               {"user-123", SegmentKind::kLiteral},
               {"post-2024-01", SegmentKind::kLiteral}});
}

TEST(SegmentClassifierTest, ParameterTokens) {
  EXPECT_EQ(ParameterToken(SegmentKind::kInteger), "{id}");
  EXPECT_EQ(ParameterToken(SegmentKind::kUuid), "{id}");
  EXPECT_EQ(ParameterToken(SegmentKind::kHex), "{id}");
  EXPECT_EQ(ParameterToken(SegmentKind::kObjectId), "{id}");
  EXPECT_EQ(ParameterToken(SegmentKind::kToken), "{id}");
  EXPECT_EQ(ParameterToken(SegmentKind::kDate), "{date}");
  EXPECT_EQ(ParameterToken(SegmentKind::kEmail), "{email}");
  EXPECT_EQ(ParameterToken(SegmentKind::kLiteral), "");
}

TEST(SegmentClassifierTest, ArbitraryBytesDoNotCrash) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t start = 0; start < bytes.size(); start += 7) {
    ClassifySegment(std::string_view(bytes).substr(start, 40));
  }
  EXPECT_EQ(ClassifySegment(std::string_view("12\0"
                                             "34",
                                             5)),
            SegmentKind::kLiteral);
}

}  // namespace
}  // namespace apisensor::templating
