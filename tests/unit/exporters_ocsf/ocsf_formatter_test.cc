#include "exporters/formats/ocsf/ocsf_formatter.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/unit/exporters_ocsf/ocsf_test_items.h"
#include "tests/unit/exporters_ocsf/ocsf_validator.h"

namespace apisensor::exporters {
namespace {

using apisensor::testing::JoinLines;
using apisensor::testing::kT0Ns;
using apisensor::testing::OcsfValidator;
using apisensor::testing::SampleExchange;
using apisensor::testing::SampleFinding;

FormatOptions Options(std::string exchange_class = "api_activity") {
  FormatOptions o;
  o.product_version = "0.1.0";
  o.hostname = "node-1";
  o.ocsf_exchange_class = std::move(exchange_class);
  return o;
}

// Formats `item`, checks it against the schema subset, and returns it parsed.
rapidjson::Document FormatValid(const ExportItem& item, const FormatOptions& options = Options()) {
  std::string out = "prefix:";
  EXPECT_TRUE(MakeOcsfFormatter(options)->Format(item, out));
  EXPECT_TRUE(out.starts_with("prefix:")) << "Format must append";
  const std::string json = out.substr(7);
  EXPECT_EQ(json.find('\n'), std::string::npos) << "one event, one line";
  const std::vector<std::string> problems = OcsfValidator::Default().Validate(json);
  EXPECT_TRUE(problems.empty()) << JoinLines(problems) << json;
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  return doc;
}

std::string S(const rapidjson::Value& v) { return v.GetString(); }

TEST(OcsfFinding, NewFindingIsADetectionFindingCreate) {
  const rapidjson::Document e = FormatValid(SampleFinding());
  EXPECT_EQ(e["class_uid"].GetInt(), 2004);
  EXPECT_EQ(e["category_uid"].GetInt(), 2);
  EXPECT_EQ(e["activity_id"].GetInt(), 1);
  EXPECT_EQ(S(e["activity_name"]), "Create");
  EXPECT_EQ(e["type_uid"].GetInt64(), 200401);
  EXPECT_EQ(e["severity_id"].GetInt(), 4);
  EXPECT_EQ(S(e["severity"]), "High");
  EXPECT_EQ(e["status_id"].GetInt(), 1);
  EXPECT_EQ(e["time"].GetInt64(), static_cast<int64_t>(kT0Ns / 1'000'000));
  EXPECT_EQ(e["count"].GetInt(), 1);
  EXPECT_EQ(S(e["message"]), SampleFinding().title);

  const rapidjson::Value& info = e["finding_info"];
  EXPECT_EQ(S(info["uid"]), "a1b2c3d4e5f60718");
  EXPECT_EQ(S(info["title"]), SampleFinding().title);
  EXPECT_EQ(S(info["desc"]), SampleFinding().description);
  ASSERT_EQ(info["types"].Size(), 1u);
  EXPECT_EQ(S(info["types"][0]), "unauthenticated_access");
  EXPECT_EQ(info["first_seen_time"].GetInt64(), static_cast<int64_t>(kT0Ns / 1'000'000));
  EXPECT_EQ(S(info["analytic"]["name"]), "unauthenticated_access");
  EXPECT_EQ(S(info["tags"][0]["name"]), "owasp_api_top10");
  EXPECT_EQ(S(info["tags"][0]["value"]), "API2:2023");

  const rapidjson::Value& metadata = e["metadata"];
  EXPECT_EQ(S(metadata["product"]["name"]), "apisensor");
  EXPECT_EQ(S(metadata["product"]["vendor_name"]), "apisensor");
  EXPECT_EQ(S(metadata["product"]["version"]), "0.1.0");
  EXPECT_EQ(S(metadata["version"]), OcsfValidator::Default().schema_version());
  EXPECT_EQ(S(metadata["correlation_uid"]), "a1b2c3d4e5f60718");
  EXPECT_EQ(S(e["device"]["hostname"]), "node-1");

  const rapidjson::Value& resource = e["resources"][0];
  EXPECT_EQ(S(resource["name"]), "GET /users/{id}");
  EXPECT_EQ(S(resource["group"]["name"]), "users");
  const rapidjson::Value& evidence = e["evidences"][0];
  EXPECT_EQ(S(evidence["api"]["operation"]), "GET /users/{id}");
  EXPECT_EQ(S(evidence["api"]["service"]["name"]), "users");
  EXPECT_EQ(S(evidence["src_endpoint"]["ip"]), "10.0.0.7");
  // Every evidence pair, repeated keys joined so the object stays valid.
  EXPECT_EQ(S(evidence["data"]["status"]), "200, 204");
  EXPECT_EQ(S(evidence["data"]["token"]), "fp:3f2a9c");
}

TEST(OcsfFinding, KubernetesWorkloadsAreResourceNamespacesAndLabels) {
  findings::Finding f = SampleFinding();
  f.k8s = {"shop", "users", "Deployment"};
  f.caller_k8s = {"shop", "frontend", "StatefulSet"};
  const rapidjson::Document e = FormatValid(f);
  const rapidjson::Value& resources = e["resources"];
  ASSERT_EQ(resources.Size(), 2u);
  EXPECT_EQ(S(resources[0]["namespace"]), "shop");
  ASSERT_EQ(resources[0]["labels"].Size(), 2u);
  EXPECT_EQ(S(resources[0]["labels"][0]), "k8s_workload:users");
  EXPECT_EQ(S(resources[0]["labels"][1]), "k8s_workload_kind:Deployment");
  EXPECT_EQ(S(resources[0]["role"]), "Target");
  EXPECT_EQ(S(resources[1]["type"]), "k8s_workload");
  EXPECT_EQ(S(resources[1]["uid"]), "shop/frontend");
  EXPECT_EQ(S(resources[1]["namespace"]), "shop");
  EXPECT_EQ(resources[1]["role_id"].GetInt(), 2);

  f.caller_k8s = {"shop", "payments", "Service"};
  EXPECT_EQ(S(FormatValid(f)["resources"][1]["type"]), "k8s_service");
  // Outside Kubernetes: one resource, no namespace.
  const rapidjson::Document plain = FormatValid(SampleFinding());
  ASSERT_EQ(plain["resources"].Size(), 1u);
  EXPECT_FALSE(plain["resources"][0].HasMember("namespace"));
}

TEST(OcsfFinding, RepeatsAreUpdates) {
  findings::Finding f = SampleFinding();
  f.count = 7;
  f.last_seen_ns = kT0Ns + 60'000'000'000;
  rapidjson::Document e = FormatValid(f);
  EXPECT_EQ(e["activity_id"].GetInt(), 2);
  EXPECT_EQ(S(e["activity_name"]), "Update");
  EXPECT_EQ(e["type_uid"].GetInt64(), 200402);
  EXPECT_EQ(e["count"].GetInt(), 7);
  EXPECT_EQ(e["time"].GetInt64(), static_cast<int64_t>(f.last_seen_ns / 1'000'000));
  EXPECT_EQ(e["finding_info"]["last_seen_time"].GetInt64(),
            static_cast<int64_t>(f.last_seen_ns / 1'000'000));

  f.count = 1;  // seen once, but reported again later: still an update of the same finding
  e = FormatValid(f);
  EXPECT_EQ(e["activity_id"].GetInt(), 2);
}

TEST(OcsfFinding, EverySeverityHasItsOcsfValue) {
  const std::pair<findings::Severity, std::pair<int, const char*>> cases[] = {
      {findings::Severity::kInfo, {1, "Informational"}}, {findings::Severity::kLow, {2, "Low"}},
      {findings::Severity::kMedium, {3, "Medium"}},      {findings::Severity::kHigh, {4, "High"}},
      {findings::Severity::kCritical, {5, "Critical"}},
  };
  for (const auto& [severity, want] : cases) {
    findings::Finding f = SampleFinding();
    f.severity = severity;
    const rapidjson::Document e = FormatValid(f);
    EXPECT_EQ(e["severity_id"].GetInt(), want.first);
    EXPECT_EQ(S(e["severity"]), want.second);
  }
}

TEST(OcsfFinding, FindingsWithoutCallerOrEndpointStayValid) {
  findings::Finding f = SampleFinding();
  f.caller.clear();
  f.endpoint.clear();
  f.evidence.clear();
  rapidjson::Document e = FormatValid(f);
  EXPECT_FALSE(e.HasMember("evidences"));
  EXPECT_EQ(S(e["resources"][0]["type"]), "service");
  EXPECT_EQ(S(e["resources"][0]["name"]), "users");

  f.service.clear();
  f.owasp.clear();
  f.title.clear();
  f.description.clear();
  e = FormatValid(f, FormatOptions{});  // no hostname, no version either
  EXPECT_FALSE(e.HasMember("resources"));
  EXPECT_FALSE(e.HasMember("device"));
  EXPECT_EQ(S(e["message"]), "unauthenticated_access");

  f = SampleFinding();
  f.caller = "billing-worker";  // a workload name, not an address
  e = FormatValid(f);
  EXPECT_EQ(S(e["evidences"][0]["src_endpoint"]["name"]), "billing-worker");
  EXPECT_FALSE(e["evidences"][0]["src_endpoint"].HasMember("ip"));
}

TEST(OcsfFinding, InvalidUtf8BecomesReplacementCharacters) {
  findings::Finding f = SampleFinding();
  f.evidence = {{"user_agent", "bad\xff\xfe bytes"}, {"k\xeb\xeb", "v"}};
  f.title = "caf\xc3";
  const rapidjson::Document e = FormatValid(f);  // validation parses with UTF-8 checking
  EXPECT_EQ(S(e["evidences"][0]["data"]["user_agent"]), "bad\xEF\xBF\xBD\xEF\xBF\xBD bytes");
  EXPECT_EQ(S(e["evidences"][0]["data"]["k\xEF\xBF\xBD\xEF\xBF\xBD"]), "v");  // keys too
}

TEST(OcsfApiActivity, ExchangeWithResponse) {
  const rapidjson::Document e = FormatValid(SampleExchange());
  EXPECT_EQ(e["class_uid"].GetInt(), 6003);
  EXPECT_EQ(e["category_uid"].GetInt(), 6);
  EXPECT_EQ(e["activity_id"].GetInt(), 2);
  EXPECT_EQ(S(e["activity_name"]), "Read");
  EXPECT_EQ(e["type_uid"].GetInt64(), 600302);
  EXPECT_EQ(e["status_id"].GetInt(), 1);
  EXPECT_EQ(S(e["status_code"]), "200");
  EXPECT_EQ(e["time"].GetInt64(), static_cast<int64_t>(kT0Ns / 1'000'000 + 1));
  EXPECT_EQ(e["duration"].GetInt64(), 12);
  EXPECT_EQ(S(e["metadata"]["profiles"][0]), "host");
  EXPECT_EQ(S(e["device"]["hostname"]), "node-1");

  const rapidjson::Value& request = e["http_request"];
  EXPECT_EQ(S(request["http_method"]), "GET");
  EXPECT_EQ(S(request["url"]["path"]), "/users/{id}");
  EXPECT_EQ(S(request["url"]["hostname"]), "users.internal");
  EXPECT_EQ(request["url"]["port"].GetInt(), 8080);
  EXPECT_EQ(S(request["url"]["scheme"]), "http");
  EXPECT_EQ(S(request["user_agent"]), "curl/8.5.0");
  EXPECT_EQ(S(request["version"]), "HTTP/1.1");
  EXPECT_EQ(e["http_response"]["code"].GetInt(), 200);
  EXPECT_EQ(e["http_response"]["body_length"].GetInt(), 321);

  EXPECT_EQ(S(e["src_endpoint"]["ip"]), "10.0.0.7");
  EXPECT_EQ(e["src_endpoint"]["port"].GetInt(), 51234);
  EXPECT_EQ(S(e["dst_endpoint"]["ip"]), "10.0.0.20");
  EXPECT_EQ(e["dst_endpoint"]["port"].GetInt(), 8080);
  EXPECT_EQ(S(e["dst_endpoint"]["svc_name"]), "users");
  EXPECT_EQ(S(e["api"]["operation"]), "GET /users/{id}");
  EXPECT_EQ(S(e["api"]["service"]["name"]), "users");
  EXPECT_EQ(S(e["actor"]["app_name"]), "frontend");
  EXPECT_EQ(S(e["unmapped"]["auth"]), "bearer");
  EXPECT_EQ(S(e["unmapped"]["process"]), "users-svc");
}

TEST(OcsfApiActivity, ActivityFollowsTheMethod) {
  const std::pair<const char*, std::pair<int, const char*>> cases[] = {
      {"POST", {1, "Create"}},   {"GET", {2, "Read"}},         {"HEAD", {2, "Read"}},
      {"OPTIONS", {2, "Read"}},  {"PUT", {3, "Update"}},       {"PATCH", {3, "Update"}},
      {"DELETE", {4, "Delete"}}, {"CONNECT", {99, "CONNECT"}}, {"BREW", {99, "BREW"}},
  };
  for (const auto& [method, want] : cases) {
    ExchangeSummary s = SampleExchange();
    s.method = method;
    const rapidjson::Document e = FormatValid(s);
    EXPECT_EQ(e["activity_id"].GetInt(), want.first) << method;
    EXPECT_EQ(S(e["activity_name"]), want.second) << method;
    EXPECT_EQ(e["type_uid"].GetInt64(), 600300 + want.first) << method;
    EXPECT_EQ(S(e["api"]["operation"]), std::string(method) + " /users/{id}");
    // A token OCSF does not list is no http_method; it stays in unmapped.
    EXPECT_EQ(e["http_request"].HasMember("http_method"), std::string(method) != "BREW");
    EXPECT_EQ(S(e["unmapped"]["method"]), method);
  }
}

TEST(OcsfApiActivity, ExchangeWithoutResponse) {
  ExchangeSummary s = SampleExchange();
  s.has_response = false;
  s.status = 0;
  s.latency_ns = 0;
  s.caller.clear();
  s.user_agent.clear();
  s.host.clear();
  const rapidjson::Document e = FormatValid(s);
  EXPECT_FALSE(e.HasMember("http_response"));
  EXPECT_FALSE(e.HasMember("status_id"));
  EXPECT_FALSE(e.HasMember("duration"));
  EXPECT_TRUE(e["actor"].IsObject());  // required even when the caller has no name
  EXPECT_EQ(S(e["message"]), "GET /users/{id} (no response)");
  EXPECT_EQ(e["http_request"]["url"]["port"].GetInt(), 8080);  // from the server address
}

TEST(OcsfApiActivity, ErrorsAreFailures) {
  ExchangeSummary s = SampleExchange();
  s.status = 503;
  const rapidjson::Document e = FormatValid(s);
  EXPECT_EQ(e["status_id"].GetInt(), 2);
  EXPECT_EQ(S(e["status"]), "Failure");
  EXPECT_EQ(S(e["message"]), "GET /users/{id} 503");
}

TEST(OcsfApiActivity, Ipv6AndTls) {
  ExchangeSummary s = SampleExchange();
  s.client_ip = "2001:db8::7";
  s.server_ip = "::1";
  s.host = "[::1]:8443";
  s.tls = true;
  s.protocol = "h2";
  const rapidjson::Document e = FormatValid(s);
  EXPECT_EQ(S(e["src_endpoint"]["ip"]), "2001:db8::7");
  EXPECT_EQ(S(e["dst_endpoint"]["ip"]), "::1");
  EXPECT_EQ(S(e["http_request"]["url"]["hostname"]), "::1");
  EXPECT_EQ(e["http_request"]["url"]["port"].GetInt(), 8443);
  EXPECT_EQ(S(e["http_request"]["url"]["scheme"]), "https");
  EXPECT_EQ(S(e["http_request"]["version"]), "HTTP/2");
}

TEST(OcsfApiActivity, UnknownAddressesAreLeftOutAndHugeSizesCapped) {
  ExchangeSummary s = SampleExchange();
  s.client_ip.clear();  // unknown family
  s.server_ip = "garbage";
  s.request_body_bytes = 1ULL << 40;
  s.user_agent = "ua\x80\x81";
  const rapidjson::Document e = FormatValid(s, FormatOptions{});
  EXPECT_FALSE(e["src_endpoint"].HasMember("ip"));
  EXPECT_FALSE(e["dst_endpoint"].HasMember("ip"));
  EXPECT_EQ(e["http_request"]["body_length"].GetInt(), 2147483647);
  EXPECT_FALSE(e.HasMember("device"));
  EXPECT_FALSE(e["metadata"].HasMember("profiles"));
}

TEST(OcsfHttpActivity, ExchangesAsHttpActivity) {
  const rapidjson::Document e = FormatValid(SampleExchange(), Options("http_activity"));
  EXPECT_EQ(e["class_uid"].GetInt(), 4002);
  EXPECT_EQ(e["category_uid"].GetInt(), 4);
  EXPECT_EQ(e["activity_id"].GetInt(), 3);
  EXPECT_EQ(S(e["activity_name"]), "Get");
  EXPECT_EQ(e["type_uid"].GetInt64(), 400203);
  EXPECT_EQ(e["http_status"].GetInt(), 200);
  EXPECT_EQ(S(e["app_name"]), "users");
  EXPECT_FALSE(e.HasMember("api"));    // a cloud-profile attribute in this class
  EXPECT_FALSE(e.HasMember("actor"));  // a host-profile attribute in this class
  EXPECT_EQ(S(e["src_endpoint"]["name"]), "frontend");
}

TEST(OcsfHttpActivity, EveryMethodHasItsActivity) {
  const std::pair<const char*, int> cases[] = {{"CONNECT", 1},
                                               {"DELETE", 2},
                                               {"GET", 3},
                                               {"HEAD", 4},
                                               {"OPTIONS", 5},
                                               {"POST", 6},
                                               {"PUT", 7},
                                               {"TRACE", 8},
                                               {"PATCH", 9},
                                               {"PROPFIND", 28},
                                               {"VERSION-CONTROL", 40},
                                               {"BREW", 99},
                                               {"get", 99}};
  for (const auto& [method, want] : cases) {
    ExchangeSummary s = SampleExchange();
    s.method = method;
    s.has_response = std::string(method) != "POST";  // with and without a response
    const rapidjson::Document e = FormatValid(s, Options("http_activity"));
    EXPECT_EQ(e["activity_id"].GetInt(), want) << method;
    EXPECT_EQ(e["type_uid"].GetInt64(), 400200 + want) << method;
    EXPECT_EQ(e["http_request"].HasMember("http_method"), want != 99) << method;
  }
}

}  // namespace
}  // namespace apisensor::exporters
