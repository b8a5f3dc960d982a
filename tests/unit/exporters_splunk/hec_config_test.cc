// The splunk_hec keys as a user writes them: every mistake is one sentence naming the setting,
// and nothing the sink refuses can leak the token.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/unit/exporters_splunk/hec_test_util.h"

namespace apisensor::exporters::splunk {
namespace {

using test::MakeHecSink;
using test::TempDir;

// The error MakeHecSink throws for `yaml`, or "" when it builds.
std::string ConfigError(const std::string& yaml) {
  try {
    MakeHecSink(yaml);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

class HecConfig : public ::testing::Test {
 protected:
  TempDir dir;
  const std::string token = dir.File("token", "  3f0c9a1e-secret-token-value\n");
  std::string Yaml(const std::string& rest) { return "{token_file: " + token + ", " + rest + "}"; }
};

TEST_F(HecConfig, BuildsWithOnlyUrlAndTokenFile) {
  EXPECT_EQ(ConfigError(Yaml("url: 'https://splunk.example.com:8088'")), "");
  EXPECT_EQ(
      ConfigError(Yaml("url: 'https://splunk:8088', format: ocsf, index: security, source: sensor, "
                       "sourcetype: 'my:type', host: node-1, gzip: false, ack: true, "
                       "ack_timeout_ms: 5000, timeout_ms: 2000, insecure_skip_verify: true")),
      "");
}

TEST_F(HecConfig, PlainHttpOnlyToThisMachine) {
  for (const char* url : {"http://127.0.0.1:8088", "http://127.1.2.3:8088", "http://[::1]:8088",
                          "http://LocalHost:8088/services/collector"}) {
    EXPECT_EQ(ConfigError(Yaml(std::string("url: '") + url + "'")), "") << url;
  }
}

TEST_F(HecConfig, EachMistakeIsOneSentenceNamingTheSetting) {
  const std::string missing_token = dir.path() / "nope";
  const std::string empty = dir.File("empty", "\n");
  const std::string two_words = dir.File("two", "abc def\n");
  const std::string not_pem = dir.File("ca.pem", "not a certificate\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{token_file: " + token + "}", "test.yaml: sinks[0].url is required"},
      {Yaml("url: 'splunk:8088'"), "sinks[0].url must start with https:// or http://"},
      {Yaml("url: 'https://splunk:99999'"),
       "sinks[0].url has a port that is not between 1 and 65535"},
      {"{url: 'https://splunk:8088'}", "sinks[0].token_file is required"},
      {"{url: 'https://s:8088', token_file: " + missing_token + "}",
       "sinks[0].token_file names a file that cannot be read: " + missing_token},
      {"{url: 'https://s:8088', token_file: " + empty + "}",
       "sinks[0].token_file names an empty file"},
      {"{url: 'https://s:8088', token_file: " + two_words + "}",
       "sinks[0].token_file must name a file holding only the HEC token"},
      {Yaml("url: 'https://s:8088', ca_file: " + not_pem),
       "sinks[0].ca_file names a file without a readable PEM certificate"},
      {Yaml("url: 'http://s:8088', insecure_skip_verify: true"), "sinks[0].url is http://"},
      {Yaml("url: 'http://splunk.example.com:8088'"),
       "sinks[0].url is http:// to another machine, which would send the HEC token in clear"},
      {Yaml("url: 'http://10.0.0.5:8088'"), "sinks[0].url is http:// to another machine"},
      {Yaml("url: 'http://[2001:db8::5]:8088'"), "sinks[0].url is http:// to another machine"},
      {Yaml("url: 'https://s:8088/custom', ack: true"),
       "sinks[0].url has a path without /services/collector"},
      {Yaml("url: 'https://s:8088', ack_timeout_ms: 5"),
       "sinks[0].ack_timeout_ms must be between 100 and 600000"},
      {Yaml("url: 'https://s:8088', gzip: maybe"), "sinks[0].gzip must be true or false"},
      {Yaml("url: 'https://s:8088', format: cef"), "sinks[0].format must be one of json, ocsf"},
      {Yaml("url: 'https://s:8088', host: ''"), "sinks[0].host must not be empty"},
      {Yaml("url: 'https://s:8088', tokn: x"), "sinks[0].tokn is not a setting"},
  };
  for (const auto& [yaml, expected] : cases) {
    const std::string error = ConfigError(yaml);
    EXPECT_NE(error.find(expected), std::string::npos) << yaml << "\n  gave: " << error;
    EXPECT_EQ(error.find("secret-token"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace apisensor::exporters::splunk
