// RFC 5424 framing pieces without a receiver: the header, its fields, truncation, addresses.
#include "exporters/syslog/syslog_message.h"

#include <gtest/gtest.h>

#include "exporters/syslog/host_port.h"

namespace apisensor::exporters::syslog {
namespace {

findings::Finding MakeFinding(findings::Severity severity, uint64_t last_seen_ns) {
  findings::Finding f;
  f.type = "shadow_endpoint";
  f.severity = severity;
  f.last_seen_ns = last_seen_ns;
  return f;
}

TEST(SyslogHeader, FindingHeaderHasPriTimestampAndFields) {
  const HeaderFields fields{.facility = kDefaultFacility,
                            .hostname = "node-1",
                            .app_name = "apisensor",
                            .procid = "4242"};
  std::string out;
  AppendHeader(fields, MakeFinding(findings::Severity::kCritical, 1'700'000'000'123'456'789), 0,
               out);
  // local4 (20) × 8 + critical (2).
  EXPECT_EQ(out, "<162>1 2023-11-14T22:13:20.123456Z node-1 apisensor 4242 shadow_endpoint - ");
}

TEST(SyslogHeader, SeverityFollowsTheFinding) {
  const std::pair<findings::Severity, int> map[] = {{findings::Severity::kCritical, 2},
                                                    {findings::Severity::kHigh, 3},
                                                    {findings::Severity::kMedium, 4},
                                                    {findings::Severity::kLow, 5},
                                                    {findings::Severity::kInfo, 6}};
  for (const auto& [severity, expected] : map) {
    EXPECT_EQ(SyslogSeverity(MakeFinding(severity, 1)), expected);
  }
  EXPECT_EQ(SyslogSeverity(ExchangeSummary{}), 6);
}

TEST(SyslogHeader, ExchangeUsesItsTimeOrNowAndMsgIdExchange) {
  const HeaderFields fields{.facility = 4, .hostname = "h", .app_name = "a", .procid = "1"};
  ExchangeSummary s;
  std::string out;
  AppendHeader(fields, s, 86'400'000'000'000, out);  // no time of its own: "now"
  EXPECT_EQ(out, "<38>1 1970-01-02T00:00:00.000000Z h a 1 exchange - ");
  s.time_ns = 1'000'999;
  out.clear();
  AppendHeader(fields, s, 86'400'000'000'000, out);
  EXPECT_EQ(out, "<38>1 1970-01-01T00:00:00.001000Z h a 1 exchange - ");
}

TEST(SyslogHeader, MsgIdIsAValidHeaderField) {
  const HeaderFields fields{.facility = 1, .hostname = "h", .app_name = "a", .procid = "1"};
  findings::Finding f = MakeFinding(findings::Severity::kInfo, 1);
  f.type = "a type with spaces and é, much longer than thirty-two bytes";
  std::string out;
  AppendHeader(fields, f, 0, out);
  EXPECT_NE(out.find(" a_type_with_spaces_and___,_much_ - "), std::string::npos) << out;
}

TEST(SyslogHeader, HeaderFieldRules) {
  EXPECT_EQ(HeaderField("", 10), "-");
  EXPECT_EQ(HeaderField("a b\tc", 10), "a_b_c");
  EXPECT_EQ(HeaderField("abcdef", 3), "abc");
  EXPECT_EQ(HeaderField("x\x7f\xc3\xa9", 10), "x___");
}

TEST(SyslogFacility, NamesMatchRfc5424Numbers) {
  EXPECT_EQ(FacilityFromName("kern"), 0);
  EXPECT_EQ(FacilityFromName("auth"), 4);
  EXPECT_EQ(FacilityFromName("authpriv"), 10);
  EXPECT_EQ(FacilityFromName("local0"), 16);
  EXPECT_EQ(FacilityFromName("local4"), 20);
  EXPECT_EQ(FacilityFromName("local7"), 23);
  EXPECT_FALSE(FacilityFromName("local8").has_value());
  EXPECT_EQ(FacilityNames().size(), 24u);
}

TEST(SyslogTruncate, CutsOnCharacterAndEscapeBoundaries) {
  std::string m = "abcdef";
  EXPECT_FALSE(Truncate(m, 6));
  EXPECT_EQ(m, "abcdef");
  EXPECT_TRUE(Truncate(m, 4));
  EXPECT_EQ(m, "abcd");
  m = "ab\xc3\xa9z";  // é at 2..3
  EXPECT_TRUE(Truncate(m, 3));
  EXPECT_EQ(m, "ab");
  m = "ab\xf0\x9f\x9a\x80z";  // 🚀 at 2..5
  EXPECT_TRUE(Truncate(m, 5));
  EXPECT_EQ(m, "ab");
  m = "ab\\=cd";  // cut between the backslash and the = it escapes
  EXPECT_TRUE(Truncate(m, 3));
  EXPECT_EQ(m, "ab");
  m = "ab\\\\cd";  // an escaped backslash stays whole
  EXPECT_TRUE(Truncate(m, 4));
  EXPECT_EQ(m, "ab\\\\");
  m = "a\\\\\\=";  // "\\" then "\=": cut after the third backslash
  EXPECT_TRUE(Truncate(m, 4));
  EXPECT_EQ(m, "a\\\\");
}

TEST(HostPort, Parses) {
  std::optional<HostPort> a = ParseHostPort("siem.example.com:514");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "siem.example.com");
  EXPECT_EQ(a->port, 514);
  a = ParseHostPort("[2001:db8::5]:6514");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "2001:db8::5");
  EXPECT_EQ(a->port, 6514);
  EXPECT_EQ(a->text, "[2001:db8::5]:6514");
  for (const char* bad : {"", "host", "host:", ":514", "host:0", "host:65536", "host:51a",
                          "2001:db8::5:514", "[2001:db8::5]514", "[]:514", "host:-1"}) {
    EXPECT_FALSE(ParseHostPort(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace apisensor::exporters::syslog
