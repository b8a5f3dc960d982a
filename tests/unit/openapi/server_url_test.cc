#include "agent/openapi/server_url.h"

#include <gtest/gtest.h>

#include "agent/openapi/version_order.h"

namespace apisensor::openapi {
namespace {

TEST(ServerUrl, AbsoluteUrls) {
  ServerAddress a = ParseServerUrl("https://API.Example.com/v1/");
  EXPECT_EQ(a.scheme, "https");
  EXPECT_EQ(a.host, "api.example.com");
  EXPECT_EQ(a.port, 443);
  EXPECT_FALSE(a.port_explicit);
  EXPECT_EQ(a.base_path, "/v1");
  EXPECT_EQ(a.url, "https://API.Example.com/v1/");

  a = ParseServerUrl("http://user:pw@10.0.0.5:8080");
  EXPECT_EQ(a.host, "10.0.0.5");
  EXPECT_EQ(a.port, 8080);
  EXPECT_TRUE(a.port_explicit);
  EXPECT_EQ(a.base_path, "");

  a = ParseServerUrl("http://[::1]:9000/api?x=1#frag");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 9000);
  EXPECT_EQ(a.base_path, "/api");

  a = ParseServerUrl("wss://stream.example.com");
  EXPECT_EQ(a.port, 443);
  a = ParseServerUrl("ftp://files.example.com/x");
  EXPECT_EQ(a.port, 0);
  a = ParseServerUrl("http://h:99999/");
  EXPECT_EQ(a.port, 80);  // not a port: the scheme's default
  EXPECT_FALSE(a.port_explicit);
}

TEST(ServerUrl, RelativeUrls) {
  for (const char* url : {"/", "", ".", "./"}) {
    const ServerAddress a = ParseServerUrl(url);
    EXPECT_EQ(a.host, "") << url;
    EXPECT_EQ(a.port, 0) << url;
    EXPECT_EQ(a.base_path, "") << url;
  }
  EXPECT_EQ(ParseServerUrl("/api/v2/").base_path, "/api/v2");
  EXPECT_EQ(ParseServerUrl("v1").base_path, "/v1");
  const ServerAddress scheme_relative = ParseServerUrl("//cdn.example.com/assets");
  EXPECT_EQ(scheme_relative.host, "cdn.example.com");
  EXPECT_EQ(scheme_relative.port, 0);
  EXPECT_EQ(scheme_relative.base_path, "/assets");
}

TEST(ServerUrl, Variables) {
  const std::vector<std::pair<std::string, std::string>> vars = {
      {"scheme", "https"}, {"port", "8443"}, {"version", "v3"}};
  EXPECT_EQ(SubstituteServerVariables("{scheme}://h:{port}/{version}/{tenant}", vars),
            "https://h:8443/v3/{tenant}");
  EXPECT_EQ(SubstituteServerVariables("http://h/{unclosed", vars), "http://h/{unclosed");
  // An unresolved variable in the base path stays a template segment.
  EXPECT_EQ(ParseServerUrl("https://h/{tenant}/api").base_path, "/{tenant}/api");
  const ServerAddress unresolved_port = ParseServerUrl("https://h:{port}/");
  EXPECT_EQ(unresolved_port.port, 443);
  EXPECT_FALSE(unresolved_port.port_explicit);
}

TEST(ServerUrl, Swagger2) {
  std::vector<ServerAddress> servers = Swagger2Servers("api.example.com:8080", "/v2/", {"https"});
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0].url, "https://api.example.com:8080/v2");
  EXPECT_EQ(servers[0].port, 8080);
  EXPECT_EQ(servers[0].base_path, "/v2");
  servers = Swagger2Servers("", "", {});
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0].url, "/");
  EXPECT_EQ(servers[0].port, 0);
  servers = Swagger2Servers("h", "/", {"http", "https"});
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0].port, 80);
  EXPECT_EQ(servers[1].port, 443);
  EXPECT_EQ(servers[1].base_path, "");
}

TEST(VersionOrder, NumericDotByDot) {
  EXPECT_LT(CompareVersions("1.4.0", "2.0.0"), 0);
  EXPECT_GT(CompareVersions("1.10.0", "1.9.9"), 0);  // not string order
  EXPECT_EQ(CompareVersions("2", "2.0.0"), 0);
  EXPECT_EQ(CompareVersions("v2.1", "2.1"), 0);
  EXPECT_EQ(CompareVersions("01.2", "1.2"), 0);
  EXPECT_GT(CompareVersions("2.0.1", "2.0"), 0);
  EXPECT_LT(CompareVersions("2.0.0-rc1", "2.0.0"), 0);  // pre-release before release
  EXPECT_LT(CompareVersions("2.0.0-alpha", "2.0.0-beta"), 0);
  EXPECT_GT(CompareVersions("2.1", "2.beta"), 0);
  EXPECT_LT(CompareVersions("2024-03-01", "2024-12-01"), 0);
  EXPECT_LT(CompareVersions("alpha", "beta"), 0);  // no digits: string order
  EXPECT_LT(CompareVersions("", "0.1"), 0);        // no version: oldest
  EXPECT_EQ(CompareVersions("", ""), 0);
  EXPECT_GT(CompareVersions("99999999999999999999999", "9999999999999999999999"), 0);
}

}  // namespace
}  // namespace apisensor::openapi
