#include "agent/text/host_port.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace apisensor::text {
namespace {

struct Case {
  std::string_view text;
  std::string_view host;
  std::string_view port;
  bool has_port;
  bool bracketed;
};

TEST(SplitHostPortTest, NamesAddressesAndBracketedIpv6) {
  for (const Case& c : {
           Case{"shop.internal", "shop.internal", "", false, false},
           Case{"shop.internal:8080", "shop.internal", "8080", true, false},
           Case{"10.0.0.1:443", "10.0.0.1", "443", true, false},
           Case{"[::1]", "::1", "", false, true},
           Case{"[2001:db8::5]:6514", "2001:db8::5", "6514", true, true},
           Case{"host:", "host", "", true, false},
           Case{"[::1]:", "::1", "", true, true},
           Case{":9464", "", "9464", true, false},
           Case{"", "", "", false, false},
           // Without brackets no colon of an IPv6 address can be told to start a port.
           Case{"::1", "::1", "", false, false},
           Case{"fe80::1:80", "fe80::1:80", "", false, false},
       }) {
    const std::optional<HostPortParts> split = SplitHostPort(c.text);
    ASSERT_TRUE(split.has_value()) << c.text;
    EXPECT_EQ(split->host, c.host) << c.text;
    EXPECT_EQ(split->port, c.port) << c.text;
    EXPECT_EQ(split->has_port, c.has_port) << c.text;
    EXPECT_EQ(split->bracketed, c.bracketed) << c.text;
  }
}

TEST(SplitHostPortTest, BrokenBracketsAreRefused) {
  EXPECT_FALSE(SplitHostPort("[::1").has_value());
  EXPECT_FALSE(SplitHostPort("[::1]80").has_value());
  EXPECT_FALSE(SplitHostPort("[::1]x:80").has_value());
}

TEST(ParsePortTest, OnlyPlainDecimalOneTo65535) {
  EXPECT_EQ(ParsePort("1"), 1);
  EXPECT_EQ(ParsePort("65535"), 65535);
  EXPECT_EQ(ParsePort("08080"), 8080);
  for (std::string_view bad :
       {"", "0", "65536", "99999", "123456", "-1", "+80", "80a", " 80", "{port}"}) {
    EXPECT_FALSE(ParsePort(bad).has_value()) << bad;
  }
}

TEST(IsLoopbackHostTest, LocalhostLoopbackNetworksOnly) {
  for (std::string_view local :
       {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1"}) {
    EXPECT_TRUE(IsLoopbackHost(local)) << local;
  }
  for (std::string_view remote : {"", "10.0.0.1", "128.0.0.1", "127.example.com", "::2", "[::]",
                                  "localhost.example.com", "0.0.0.0"}) {
    EXPECT_FALSE(IsLoopbackHost(remote)) << remote;
  }
}

TEST(ParseUrlAuthorityTest, HostPortOrOneSentenceSayingWhatIsWrong) {
  std::string error;
  std::optional<UrlAuthority> a = ParseUrlAuthority("siem.example", 443, error);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "siem.example");
  EXPECT_EQ(a->port, 443);
  a = ParseUrlAuthority("[2001:db8::1]:8443", 443, error);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "2001:db8::1");
  EXPECT_TRUE(a->bracketed);
  EXPECT_EQ(a->port, 8443);
  for (const auto& [authority, why] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"[::1", "has an IPv6 address without its closing ]"},
           {"[::1]x", "has text after the IPv6 address that is not a :port"},
           {"fe80::1:80", "has an IPv6 address without brackets (write it as [address]:port)"},
           {"", "has no host"},
           {":80", "has no host"},
           {"siem.example:", "has a port that is not between 1 and 65535"},
           {"siem.example:0", "has a port that is not between 1 and 65535"},
       }) {
    error.clear();
    EXPECT_FALSE(ParseUrlAuthority(authority, 80, error).has_value()) << authority;
    EXPECT_EQ(error, why) << authority;
  }
}

}  // namespace
}  // namespace apisensor::text
