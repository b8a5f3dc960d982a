// Counter rendering: the exit report must parse as JSON and the scrape must be valid Prometheus
// text, with every counter present in both under the same name and value.
#include "agent/metrics/counters.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>
#include <sstream>
#include <string>

namespace apisensor::metrics {
namespace {

std::vector<Counter> Sample() {
  return {{"kernel_ring_full_drops", "Records lost: ring full", 3, false},
          {"exchanges_reported", "Exchanges written out", 18446744073709551615ull, false},
          {"connections_open", "Connections tracked now", 42, true}};
}

TEST(CountersTest, JsonHasEveryCounterWithItsExactValue) {
  rapidjson::Document doc;
  const std::string json = RenderJson(Sample());
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc.MemberCount(), 3u);
  EXPECT_EQ(doc["kernel_ring_full_drops"].GetUint64(), 3u);
  EXPECT_EQ(doc["exchanges_reported"].GetUint64(), 18446744073709551615ull);
  EXPECT_EQ(doc["connections_open"].GetUint64(), 42u);
}

TEST(CountersTest, StatusJsonListsLibrariesWithWhyNotAndCounters) {
  std::vector<capture::TlsLibrary> libraries(2);
  libraries[0].path = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
  libraries[0].found_as = "host library";
  libraries[0].attached = true;
  libraries[0].probe_points = "internal read/write functions";
  libraries[1].path = "/opt/\"odd\"/libssl.so.3";  // quotes must be escaped
  libraries[1].found_as = "mapped by pid 7";
  libraries[1].problem = "cannot probe SSL_write";
  const std::string json = RenderStatusJson(Sample(), libraries);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  const auto& list = doc["tls_libraries"];
  ASSERT_EQ(list.Size(), 2u);
  EXPECT_TRUE(list[0]["probed"].GetBool());
  EXPECT_STREQ(list[0]["probe_points"].GetString(), "internal read/write functions");
  EXPECT_FALSE(list[0].HasMember("problem"));
  EXPECT_FALSE(list[1]["probed"].GetBool());
  EXPECT_STREQ(list[1]["path"].GetString(), "/opt/\"odd\"/libssl.so.3");
  EXPECT_STREQ(list[1]["problem"].GetString(), "cannot probe SSL_write");
  EXPECT_EQ(doc["counters"]["exchanges_reported"].GetUint64(), 18446744073709551615ull);
}

TEST(CountersTest, PrometheusTextHasHelpTypeAndSamples) {
  const std::string text = RenderPrometheus(Sample());
  EXPECT_NE(text.find("# TYPE apisensor_kernel_ring_full_drops_total counter\n"
                      "apisensor_kernel_ring_full_drops_total 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE apisensor_connections_open gauge\napisensor_connections_open 42\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("apisensor_exchanges_reported_total 18446744073709551615\n"),
            std::string::npos);
  // Every line is a comment (HELP/TYPE) or "name value", as the exposition format requires.
  const std::regex line_format(
      R"((# (HELP|TYPE) apisensor_[a-z0-9_]+ .+)|(apisensor_[a-z0-9_]+ [0-9]+))");
  std::istringstream lines(text);
  int samples = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(std::regex_match(line, line_format)) << line;
    samples += line.rfind('#', 0) != 0;
  }
  EXPECT_EQ(samples, 3);
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace apisensor::metrics
