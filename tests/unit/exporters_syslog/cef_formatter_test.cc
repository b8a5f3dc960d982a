// The CEF formatter without a receiver: escaping edge cases, the field mapping, and the strict
// test parser that the receiver tests rely on.
#include "exporters/formats/cef/cef_formatter.h"

#include <gtest/gtest.h>

#include <string>

#include "exporters/formats/cef/cef_text.h"
#include "tests/unit/exporters_syslog/cef_parser.h"

namespace apisensor::exporters {
namespace {

using testing::CefEvent;
using testing::ParseCef;

FormatOptions Options(const std::string& version, const std::string& hostname) {
  FormatOptions options;
  options.product_version = version;
  options.hostname = hostname;
  return options;
}

std::string Format(const ExportItem& item, FormatOptions options = {}) {
  std::string out;
  EXPECT_TRUE(MakeCefFormatter(options)->Format(item, out));
  return out;
}

CefEvent FormatAndParse(const ExportItem& item, FormatOptions options = {}) {
  const std::string line = Format(item, options);
  std::string error;
  std::optional<CefEvent> event = ParseCef(line, &error);
  EXPECT_TRUE(event.has_value()) << error << "\n" << line;
  return event.value_or(CefEvent{});
}

findings::Finding SampleFinding() {
  findings::Finding f;
  f.id = "0123456789abcdef";
  f.type = "unauthenticated_access";
  f.severity = findings::Severity::kHigh;
  f.owasp = "API2:2023";
  f.title = "Endpoint answers without credentials";
  f.description = "GET /users/{id} answered 200 to 12 calls without credentials.";
  f.service = "orders:8080";
  f.endpoint = "GET /users/{id}";
  f.caller = "10.1.2.3";
  f.first_seen_ns = 1'700'000'000'123'456'789;
  f.last_seen_ns = 1'700'000'060'987'654'321;
  f.count = 12;
  f.evidence = {{"auth", "none"}, {"token", "fp:3f2a9c"}};
  return f;
}

TEST(CefFormatter, MapsEveryFindingField) {
  const CefEvent e = FormatAndParse(SampleFinding(), Options("1.2.3", "n1"));
  EXPECT_EQ(e.version, "0");
  EXPECT_EQ(e.vendor, "apisensor");
  EXPECT_EQ(e.product, "apisensor");
  EXPECT_EQ(e.device_version, "1.2.3");
  EXPECT_EQ(e.signature, "unauthenticated_access");
  EXPECT_EQ(e.name, "Endpoint answers without credentials");
  EXPECT_EQ(e.severity, "8");
  const std::map<std::string, std::string> expected = {
      {"rt", "1700000060987"},
      {"start", "1700000000123"},
      {"end", "1700000060987"},
      {"cnt", "12"},
      {"src", "10.1.2.3"},
      {"requestMethod", "GET"},
      {"request", "/users/{id}"},
      {"cat", "API2:2023"},
      {"externalId", "0123456789abcdef"},
      {"dvchost", "n1"},
      {"cs1", "orders:8080"},
      {"cs1Label", "service"},
      {"cs2", "unauthenticated_access"},
      {"cs2Label", "findingType"},
      {"cs3", "API2:2023"},
      {"cs3Label", "owasp"},
      {"cs4", "GET /users/{id}"},
      {"cs4Label", "endpoint"},
      {"cs5", "10.1.2.3"},
      {"cs5Label", "caller"},
      {"cs6", "auth=none, token=fp:3f2a9c"},
      {"cs6Label", "evidence"},
      {"msg", "GET /users/{id} answered 200 to 12 calls without credentials."},
  };
  EXPECT_EQ(e.extension, expected);
}

TEST(CefFormatter, KubernetesWorkloadsAreTheFlexStrings) {
  findings::Finding f = SampleFinding();
  f.service = "shop/checkout";
  f.caller = "shop/frontend";
  f.k8s = {"shop", "checkout", "Deployment"};
  f.caller_k8s = {"shop", "frontend", "StatefulSet"};
  const CefEvent e = FormatAndParse(f);
  EXPECT_EQ(e.extension.at("flexString1"), "shop/checkout/Deployment");
  EXPECT_EQ(e.extension.at("flexString1Label"), "k8sWorkload");
  EXPECT_EQ(e.extension.at("flexString2"), "shop/frontend/StatefulSet");
  EXPECT_EQ(e.extension.at("flexString2Label"), "k8sCallerWorkload");
  EXPECT_EQ(e.extension.at("sproc"), "shop/frontend");

  ExchangeSummary s;
  s.k8s = f.k8s;
  const CefEvent x = FormatAndParse(s);
  EXPECT_EQ(x.extension.at("flexString1"), "shop/checkout/Deployment");
  EXPECT_EQ(x.extension.count("flexString2"), 0u);
  // Outside Kubernetes neither field (nor its label) is written.
  EXPECT_EQ(FormatAndParse(SampleFinding()).extension.count("flexString1Label"), 0u);
}

TEST(CefFormatter, MapsEveryExchangeField) {
  ExchangeSummary s;
  s.time_ns = 1'700'000'000'500'000'000;
  s.latency_ns = 42'700'000;
  s.service = "orders:8080";
  s.method = "POST";
  s.path = "/orders";
  s.endpoint_state = "shadow";
  s.host = "orders.internal:8080";
  s.protocol = "http/1.1";
  s.tls = true;
  s.client_ip = "10.0.0.9";
  s.client_port = 51234;
  s.server_ip = "10.0.0.1";
  s.server_port = 8080;
  s.caller = "10.0.0.9";
  s.process = "python3";
  s.pid = 4242;
  s.user_agent = "curl/7.88.1";
  s.auth = "bearer_jwt";
  s.has_response = true;
  s.status = 503;
  s.request_body_bytes = 120;
  s.response_body_bytes = 7;
  const CefEvent e = FormatAndParse(s, Options("1.0", "n1"));
  EXPECT_EQ(e.signature, "http_exchange");
  EXPECT_EQ(e.name, "POST /orders");
  EXPECT_EQ(e.severity, "1");
  const std::map<std::string, std::string> expected = {
      {"rt", "1700000000500"},
      {"src", "10.0.0.9"},
      {"spt", "51234"},
      {"dst", "10.0.0.1"},
      {"dpt", "8080"},
      {"proto", "TCP"},
      {"app", "http/1.1"},
      {"requestMethod", "POST"},
      {"request", "/orders"},
      {"dhost", "orders.internal:8080"},
      {"outcome", "failure"},
      {"cn1", "503"},
      {"cn1Label", "httpStatus"},
      {"cn2", "42"},
      {"cn2Label", "latencyMs"},
      {"cn3", "4242"},
      {"cn3Label", "pid"},
      {"in", "120"},
      {"out", "7"},
      {"dvchost", "n1"},
      {"cs1", "orders:8080"},
      {"cs1Label", "service"},
      {"cs2", "shadow"},
      {"cs2Label", "endpointState"},
      {"cs3", "10.0.0.9"},
      {"cs3Label", "caller"},
      {"cs4", "bearer_jwt"},
      {"cs4Label", "auth"},
      {"cs5", "python3"},
      {"cs5Label", "process"},
      {"cs6", "true"},
      {"cs6Label", "tls"},
      {"requestClientApplication", "curl/7.88.1"},
  };
  EXPECT_EQ(e.extension, expected);

  s.status = 204;
  EXPECT_EQ(FormatAndParse(s).Get("outcome"), "success");
  s.has_response = false;
  const CefEvent unanswered = FormatAndParse(s);
  EXPECT_FALSE(unanswered.extension.contains("outcome"));
  EXPECT_FALSE(unanswered.extension.contains("cn1"));
  EXPECT_FALSE(unanswered.extension.contains("cn2"));
}

TEST(CefFormatter, SeverityBands) {
  findings::Finding f = SampleFinding();
  const std::pair<findings::Severity, const char*> bands[] = {
      {findings::Severity::kInfo, "1"},
      {findings::Severity::kLow, "3"},
      {findings::Severity::kMedium, "5"},
      {findings::Severity::kHigh, "8"},
      {findings::Severity::kCritical, "10"}};
  for (const auto& [severity, cef] : bands) {
    f.severity = severity;
    EXPECT_EQ(FormatAndParse(f).severity, cef);
  }
}

TEST(CefFormatter, CallerIsSrcOnlyWhenItIsAnAddress) {
  findings::Finding f = SampleFinding();
  f.caller = "2001:db8::7";
  CefEvent e = FormatAndParse(f);
  EXPECT_EQ(e.Get("src"), "2001:db8::7");
  EXPECT_FALSE(e.extension.contains("sproc"));
  f.caller = "curl";  // egress: the calling process
  e = FormatAndParse(f);
  EXPECT_EQ(e.Get("sproc"), "curl");
  EXPECT_FALSE(e.extension.contains("src"));
  EXPECT_EQ(e.Get("cs5"), "curl");
  f.caller = "10.1.2.3 ";  // not an address as it stands
  EXPECT_FALSE(FormatAndParse(f).extension.contains("src"));
  f.caller.clear();
  e = FormatAndParse(f);
  EXPECT_FALSE(e.extension.contains("src") || e.extension.contains("sproc") ||
               e.extension.contains("cs5") || e.extension.contains("cs5Label"));
}

TEST(CefFormatter, EndpointWithoutMethodIsAllRequest) {
  findings::Finding f = SampleFinding();
  f.endpoint = "/health";
  const CefEvent e = FormatAndParse(f);
  EXPECT_EQ(e.Get("request"), "/health");
  EXPECT_FALSE(e.extension.contains("requestMethod"));
}

TEST(CefFormatter, EmptyValuesAreLeftOut) {
  findings::Finding f = SampleFinding();
  f.owasp.clear();
  f.description.clear();
  f.evidence.clear();
  f.first_seen_ns = 0;
  const std::string line = Format(f);
  const CefEvent e = FormatAndParse(f);
  for (const char* key : {"cat", "cs3", "cs3Label", "msg", "cs6", "cs6Label", "start", "dvchost"}) {
    EXPECT_FALSE(e.extension.contains(key)) << key << " in " << line;
  }
  f.title.clear();  // the name falls back to the type
  EXPECT_EQ(FormatAndParse(f).name, "unauthenticated_access");
}

TEST(CefFormatter, HeaderEscapesPipeAndBackslashAndHasNoLineBreaks) {
  findings::Finding f = SampleFinding();
  f.type = "a|b\\c";
  f.title = "x=y | z\\\r\nw";
  const std::string line = Format(f, Options("1|2", ""));
  EXPECT_TRUE(line.starts_with("CEF:0|apisensor|apisensor|1\\|2|a\\|b\\\\c|x=y \\| z\\\\  w|8|"))
      << line;
  const CefEvent e = FormatAndParse(f, Options("1|2", ""));
  EXPECT_EQ(e.device_version, "1|2");
  EXPECT_EQ(e.signature, "a|b\\c");
  EXPECT_EQ(e.name, "x=y | z\\  w");
  EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos);
}

TEST(CefFormatter, ExtensionEscapesEqualsBackslashAndLineBreaksButNotPipes) {
  findings::Finding f = SampleFinding();
  f.description = "a=b\\c|d\ne\rf";
  const std::string line = Format(f);
  EXPECT_NE(line.find(" msg=a\\=b\\\\c|d\\ne\\rf"), std::string::npos) << line;
  EXPECT_EQ(FormatAndParse(f).Get("msg"), f.description);
}

TEST(CefFormatter, ValuesThatLookLikeKeysStayInTheirField) {
  findings::Finding f = SampleFinding();
  f.description = "x cnt=5 msg=fake cs1=evil ";
  f.service = "svc rt=0";
  const CefEvent e = FormatAndParse(f);
  EXPECT_EQ(e.Get("msg"), "x cnt=5 msg=fake cs1=evil ");
  EXPECT_EQ(e.Get("cnt"), "12");
  EXPECT_EQ(e.Get("cs1"), "svc rt=0");
  EXPECT_EQ(e.Get("rt"), "1700000060987");
}

TEST(CefFormatter, BackslashesAtTheEndAndSpacesAroundSurvive) {
  findings::Finding f = SampleFinding();
  for (std::string value : {"\\", "\\\\", "ends\\", "  lead", "trail  ", " ", "=", "\\=", "\\n"}) {
    f.service = value;
    EXPECT_EQ(FormatAndParse(f).Get("cs1"), value) << value;
  }
}

TEST(CefFormatter, Utf8IsKeptInvalidBytesAndControlsAreReplaced) {
  findings::Finding f = SampleFinding();
  f.description = "ünïcødé ✓ 🚀";
  EXPECT_EQ(FormatAndParse(f).Get("msg"), f.description);
  f.description = std::string(
                      "a\xff"
                      "b\xc3",
                      4) +
                  "\t\x01\x7f" + std::string(1, '\0') + "z";
  EXPECT_EQ(FormatAndParse(f).Get("msg"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD    z");
  f.title = "t\tu\x1b";
  EXPECT_EQ(FormatAndParse(f).name, "t u ");
}

TEST(CefFormatter, LongValuesAreCutOnCharacterBoundariesAtTheSpecLimits) {
  findings::Finding f = SampleFinding();
  std::string long_text;
  while (long_text.size() < 10'000) long_text += "é=\\";  // 4 bytes: é is 2
  f.description = long_text;                              // msg: 1023
  f.evidence = {{"k", long_text}};                        // cs6: 4000
  f.title = long_text;                                    // name: 512
  const CefEvent e = FormatAndParse(f);
  // 1023 = 255 × 4 + 3: the 256th "é" and its "=" fit, its backslash does not.
  EXPECT_EQ(e.Get("msg"), long_text.substr(0, 1023));
  EXPECT_EQ(e.Get("cs6"), ("k=" + long_text).substr(0, 4000));
  EXPECT_EQ(e.name, long_text.substr(0, 512));
  f.description = "aa" + long_text;  // now byte 1023 is the second byte of an "é": it goes
  EXPECT_EQ(FormatAndParse(f).Get("msg"), ("aa" + long_text).substr(0, 1022));
}

TEST(CefText, CleanValueRules) {
  using cef::CleanValue;
  using cef::Part;
  EXPECT_EQ(CleanValue("a\nb\rc", 100, Part::kExtension), "a\nb\rc");
  EXPECT_EQ(CleanValue("a\nb\rc", 100, Part::kHeader), "a b c");
  EXPECT_EQ(CleanValue("\xe2\x9c\x93\xe2\x9c\x93", 5, Part::kHeader), "\xe2\x9c\x93");
  EXPECT_EQ(CleanValue("\xe2\x9c\x93", 2, Part::kHeader), "");
  EXPECT_EQ(CleanValue("\xe2\x9c", 10, Part::kHeader), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(CleanValue("", 0, Part::kExtension), "");
}

TEST(CefFormatter, ContentTypeIsText) {
  EXPECT_STREQ(MakeCefFormatter({})->content_type(), "text/plain");
}

// The parser must refuse what the formatter must never write; otherwise the tests above could
// not catch a missing escape.
TEST(CefParser, RefusesWhatTheSpecificationForbids) {
  const char* bad[] = {
      "CEF:0|v|p|1|s|n|5",              // seven fields only
      "CEF:0|v|p|1|s|n|5|msg=a=b",      // unescaped = in a value
      "CEF:0|v|p|1|s|n|5|msg=a\\xb",    // unknown escape
      "CEF:0|v|p|1|s|n|5|msg=a\\",      // dangling backslash
      "CEF:0|v|p|1|s|n|5|msg=a\nb",     // raw line break
      "CEF:0|v|p|1|s\\x|n|5|",          // bad header escape
      "CEF:0|v|p|1|s|n|5|msg=a msg=b",  // repeated key
      "CEF:0|v|p|1|s|n|5| msg=a",       // no key at the start
      "LEEF:0|v|p|1|s|n|5|",
  };
  for (const char* line : bad) EXPECT_FALSE(ParseCef(line).has_value()) << line;
  const std::optional<CefEvent> good =
      ParseCef("CEF:0|v\\|x|p|1|s|n|5|msg=a\\=b c\\\\ |d\\n cs1=x y cs1Label=l");
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->vendor, "v|x");
  EXPECT_EQ(good->Get("msg"), "a=b c\\ |d\n");
  EXPECT_EQ(good->Get("cs1"), "x y");
  EXPECT_EQ(good->Get("cs1Label"), "l");
}

}  // namespace
}  // namespace apisensor::exporters
