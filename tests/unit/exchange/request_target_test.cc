#include "agent/exchange/request_target.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/exchange/exchange_record.h"
#include "tests/unit/support/socket_address.h"

namespace apisensor {
namespace {

using Keys = std::vector<std::string_view>;

TEST(RequestTargetTest, OriginForm) {
  const RequestTarget t = ParseRequestTarget("/a/b?x=1&y&x=2&&=v&z=#frag");
  EXPECT_EQ(t.authority, "");
  EXPECT_EQ(t.path, "/a/b");
  EXPECT_EQ(t.query_keys, (Keys{"x", "y", "z"}));
  EXPECT_FALSE(t.query_keys_truncated);
}

TEST(RequestTargetTest, OriginFormWithoutQuery) {
  EXPECT_EQ(ParseRequestTarget("/").path, "/");
  EXPECT_EQ(ParseRequestTarget("/users/42#x").path, "/users/42");
  EXPECT_TRUE(ParseRequestTarget("/p?").query_keys.empty());
  EXPECT_EQ(ParseRequestTarget("/p?a#b=1&c").query_keys, (Keys{"a"}));  // fragment dropped
}

TEST(RequestTargetTest, AbsoluteForm) {
  RequestTarget t = ParseRequestTarget("http://h:8080/p?q");
  EXPECT_EQ(t.authority, "h:8080");
  EXPECT_EQ(t.path, "/p");
  EXPECT_EQ(t.query_keys, (Keys{"q"}));

  t = ParseRequestTarget("https://example.com");
  EXPECT_EQ(t.authority, "example.com");
  EXPECT_EQ(t.path, "/");

  t = ParseRequestTarget("http://example.com?k=v");
  EXPECT_EQ(t.path, "/");
  EXPECT_EQ(t.query_keys, (Keys{"k"}));
}

TEST(RequestTargetTest, AbsoluteFormDropsUserinfo) {
  const RequestTarget t = ParseRequestTarget("http://user:pa55@host:81/x");
  EXPECT_EQ(t.authority, "host:81");
  EXPECT_EQ(t.path, "/x");
}

TEST(RequestTargetTest, AuthorityForm) {
  const RequestTarget t = ParseRequestTarget("h:443");
  EXPECT_EQ(t.authority, "h:443");
  EXPECT_EQ(t.path, "");
  EXPECT_TRUE(t.query_keys.empty());
  EXPECT_EQ(ParseRequestTarget("[::1]:443").authority, "[::1]:443");
}

TEST(RequestTargetTest, AsteriskFormAndEmpty) {
  EXPECT_EQ(ParseRequestTarget("*").path, "*");
  EXPECT_EQ(ParseRequestTarget("*").authority, "");
  const RequestTarget empty = ParseRequestTarget("");
  EXPECT_EQ(empty.path, "");
  EXPECT_EQ(empty.authority, "");
}

TEST(RequestTargetTest, KeysAreCapped) {
  std::string target = "/p?";
  for (int i = 0; i < 100; ++i) target += "k" + std::to_string(i) + "=1&";
  const RequestTarget t = ParseRequestTarget(target);
  EXPECT_EQ(t.query_keys.size(), RequestTarget::kMaxQueryKeys);
  EXPECT_EQ(t.query_keys.front(), "k0");
  EXPECT_EQ(t.query_keys.back(), "k63");
  EXPECT_TRUE(t.query_keys_truncated);
}

TEST(RequestTargetTest, ReusedOutputIsReset) {
  RequestTarget t;
  ParseRequestTarget("http://a/b?x&y", t);
  ParseRequestTarget("/c", t);
  EXPECT_EQ(t.authority, "");
  EXPECT_EQ(t.path, "/c");
  EXPECT_TRUE(t.query_keys.empty());
}

TEST(MediaTypeTest, StripsParametersTrimsAndLowers) {
  std::string scratch;
  EXPECT_EQ(MediaType("Application/JSON; charset=utf-8", scratch), "application/json");
  EXPECT_EQ(MediaType("  text/html ;q=1", scratch), "text/html");
  EXPECT_EQ(MediaType("", scratch), "");
}

TEST(MediaTypeTest, LowerCaseInputIsAViewWithoutCopy) {
  std::string scratch;
  const std::string_view input = "application/json; charset=utf-8";
  const std::string_view type = MediaType(input, scratch);
  EXPECT_EQ(type, "application/json");
  EXPECT_EQ(type.data(), input.data());
  EXPECT_TRUE(scratch.empty());
}

using apisensor::testing::V4;
using apisensor::testing::V6;

TEST(SocketAddressTest, Text) {
  EXPECT_EQ(V4("127.0.0.1", 80).AddressString(), "127.0.0.1");
  EXPECT_EQ(V6("::1").AddressString(), "::1");
  EXPECT_EQ(V6("2001:db8::8a2e:370:7334").AddressString(), "2001:db8::8a2e:370:7334");
  EXPECT_EQ(V6("::ffff:1.2.3.4").AddressString(), "1.2.3.4");
  EXPECT_EQ(V6("::").AddressString(), "::");
  EXPECT_EQ(SocketAddress{}.AddressString(), "");
  char buffer[SocketAddress::kAddressTextSize];
  EXPECT_EQ(V6("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").FormatAddress(buffer),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(RoleTest, Names) {
  EXPECT_STREQ(RoleName(Role::kUnknown), "unknown");
  EXPECT_STREQ(RoleName(Role::kClient), "client");
  EXPECT_STREQ(RoleName(Role::kServer), "server");
  EXPECT_STREQ(RoleName(static_cast<Role>(9)), "unknown");
}

}  // namespace
}  // namespace apisensor
