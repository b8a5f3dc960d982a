// Every class and activity the OCSF format can emit, checked against the schema subset: a
// Detection Finding for each finding type the agent raises (with the shape its detector gives
// it) at each severity, new and updated; and an exchange for each HTTP method OCSF lists, as API
// Activity and as HTTP Activity, with and without a response. The methods come from the subset
// itself, so a method OCSF adds is covered without touching this test.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "exporters/formats/ocsf/ocsf_formatter.h"
#include "tests/unit/exporters_ocsf/ocsf_test_items.h"
#include "tests/unit/exporters_ocsf/ocsf_validator.h"

namespace apisensor::exporters {
namespace {

using apisensor::testing::JoinLines;
using apisensor::testing::kT0Ns;
using apisensor::testing::OcsfValidator;
using apisensor::testing::SampleExchange;
using apisensor::testing::SampleFinding;

// What each finding type carries, as agent/inventory (shadow, zombie) and agent/detectors fill
// it: OWASP id, caller (an address, a process for egress, none for the inventory's), endpoint,
// and its detector's evidence keys.
struct FindingShape {
  const char* type;
  const char* owasp;
  const char* caller;
  const char* endpoint;
  std::vector<std::pair<std::string, std::string>> evidence;
};

// StartFinding's evidence, which every detector finding starts with.
std::vector<std::pair<std::string, std::string>> Detector(
    std::vector<std::pair<std::string, std::string>> own) {
  std::vector<std::pair<std::string, std::string>> out = {{"request", "GET /users/{id}"},
                                                          {"status", "200"},
                                                          {"tls", "false"},
                                                          {"user_agent", "curl/8.5.0"}};
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

std::vector<FindingShape> FindingShapes() {
  return {
      {"shadow_endpoint", "API9:2023", "", "GET /users/{id}", {{"endpoint", "GET /users/{id}"}}},
      {"zombie_endpoint",
       "API9:2023",
       "",
       "DELETE /v1/users/{id}",
       {{"endpoint", "DELETE /v1/users/{id}"}, {"spec", "users-v1.yaml"}}},
      {"unauthenticated_access", "API2:2023", "10.0.0.7", "GET /users/{id}",
       Detector({{"reason", "no credentials"}, {"sensitive", "email,phone"}})},
      {"weak_jwt", "API2:2023", "10.0.0.7", "GET /users/{id}",
       Detector({{"problem", "alg none"}, {"alg", "none"}, {"iss", "idp"}, {"exp", "1700000000"}})},
      {"credential_in_url", "API2:2023", "10.0.0.7", "GET /users/{id}",
       Detector({{"query_parameter", "api_key"}})},
      {"cleartext_credentials", "API2:2023", "2001:db8::7", "POST /login",
       Detector({{"auth", "basic"}, {"carrier", "authorization"}})},
      {"auth_failure_burst", "API2:2023", "10.0.0.7", "POST /login",
       Detector({{"failures_in_window", "25"}, {"window_s", "60"}})},
      {"new_external_api", "API10:2023", "billing-worker", "POST /v1/charges",
       Detector({{"host", "api.stripe.com"}})},
      {"object_enumeration", "API1:2023", "10.0.0.7", "GET /users/{id}",
       Detector({{"distinct_values", "120"}, {"calls", "130"}, {"answered_2xx", "118"}})},
      {"excessive_data_exposure", "API3:2023", "10.0.0.7", "GET /users/{id}",
       Detector({{"new_sensitive", "ssn"}, {"body_bytes", "900000"}, {"usual_body_bytes", "800"}})},
      {"rate_anomaly", "API4:2023", "10.0.0.7", "GET /users/{id}",
       Detector({{"calls_in_bucket", "5000"},
                 {"bucket_s", "10"},
                 {"usual_calls_per_bucket", "40"},
                 {"reason", "baseline"}})},
      {"privileged_function_access", "API5:2023", "10.0.0.7", "POST /admin/users",
       Detector({{"known_callers", "3"}})},
  };
}

// Formats `item`, requires it to be one valid OCSF event, and returns it parsed.
rapidjson::Document Valid(const ExportItem& item, const std::string& exchange_class,
                          const std::string& context) {
  FormatOptions options;
  options.product_version = "0.1.0";
  options.hostname = "node-1";
  options.ocsf_exchange_class = exchange_class;
  std::string json;
  EXPECT_TRUE(MakeOcsfFormatter(options)->Format(item, json)) << context;
  const std::vector<std::string> problems = OcsfValidator::Default().Validate(json);
  EXPECT_TRUE(problems.empty()) << context << "\n" << JoinLines(problems) << json;
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_TRUE(doc.IsObject()) << context;
  return doc;
}

// {"1": "Create", ...} of `attribute` in section ("classes"/"objects") entry `name`.
std::map<std::string, std::string> Enum(const char* section, const char* name,
                                        const char* attribute) {
  const rapidjson::Value& subset = OcsfValidator::Default().subset();
  const rapidjson::Value& values = subset[section][name]["attributes"][attribute]["enum"];
  std::map<std::string, std::string> out;
  for (const auto& v : values.GetObject()) out[v.name.GetString()] = v.value.GetString();
  return out;
}

TEST(OcsfCoverage, EveryFindingTypeAtEverySeverityIsAValidDetectionFinding) {
  const std::map<std::string, std::string> activities =
      Enum("classes", "detection_finding", "activity_id");
  const std::map<findings::Severity, int> severities = {
      {findings::Severity::kInfo, 1},     {findings::Severity::kLow, 2},
      {findings::Severity::kMedium, 3},   {findings::Severity::kHigh, 4},
      {findings::Severity::kCritical, 5},
  };
  std::set<int> activities_seen;
  for (const FindingShape& shape : FindingShapes()) {
    for (const auto& [severity, severity_id] : severities) {
      for (const bool repeated : {false, true}) {
        findings::Finding f = SampleFinding();
        f.type = shape.type;
        f.owasp = shape.owasp;
        f.caller = shape.caller;
        f.endpoint = shape.endpoint;
        f.evidence = shape.evidence;
        f.severity = severity;
        f.count = repeated ? 9 : 1;
        f.last_seen_ns = repeated ? kT0Ns + 90'000'000'000 : kT0Ns;
        const std::string context = std::string(shape.type) + " severity " +
                                    std::to_string(severity_id) + (repeated ? " update" : " new");
        const rapidjson::Document e = Valid(f, "api_activity", context);
        if (!e.IsObject()) continue;
        const int activity = e["activity_id"].GetInt();
        activities_seen.insert(activity);
        EXPECT_EQ(e["class_uid"].GetInt(), 2004) << context;
        EXPECT_EQ(activity, repeated ? 2 : 1) << context;
        EXPECT_TRUE(activities.contains(std::to_string(activity))) << context;
        EXPECT_EQ(e["type_uid"].GetInt64(), 200400 + activity) << context;
        EXPECT_EQ(e["severity_id"].GetInt(), severity_id) << context;
        EXPECT_EQ(std::string(e["finding_info"]["types"][0].GetString()), shape.type) << context;
        EXPECT_EQ(std::string(e["finding_info"]["analytic"]["uid"].GetString()), shape.type)
            << context;
        std::set<std::string> keys;
        for (const auto& [key, value] : shape.evidence) keys.insert(key);
        EXPECT_EQ(e["evidences"][0]["data"].MemberCount(), keys.size()) << context;
      }
    }
  }
  // Close (3) is not emitted: apisensor does not track a finding's end.
  EXPECT_EQ(activities_seen, (std::set<int>{1, 2}));
}

TEST(OcsfCoverage, EveryHttpMethodOcsfListsIsAValidApiAndHttpActivity) {
  const std::map<std::string, std::string> methods = Enum("objects", "http_request", "http_method");
  const std::map<std::string, std::string> http_activities =
      Enum("classes", "http_activity", "activity_id");
  const std::map<std::string, std::string> api_activities =
      Enum("classes", "api_activity", "activity_id");
  ASSERT_GE(methods.size(), 9u);
  std::set<int> api_seen;
  std::set<int> http_seen;
  for (const auto& [method, caption] : methods) {
    for (const bool answered : {true, false}) {
      ExchangeSummary s = SampleExchange();
      s.method = method;
      s.has_response = answered;
      if (!answered) s.status = 0;
      const std::string context = method + (answered ? " answered" : " unanswered");

      const rapidjson::Document http = Valid(s, "http_activity", context);
      if (http.IsObject()) {
        const int activity = http["activity_id"].GetInt();
        http_seen.insert(activity);
        EXPECT_EQ(http["class_uid"].GetInt(), 4002) << context;
        EXPECT_EQ(http["type_uid"].GetInt64(), 400200 + activity) << context;
        // The activity OCSF names after this method: the same caption as the method's.
        ASSERT_TRUE(http_activities.contains(std::to_string(activity))) << context;
        EXPECT_EQ(http_activities.at(std::to_string(activity)), caption) << context;
        EXPECT_EQ(std::string(http["http_request"]["http_method"].GetString()), method);
      }

      const rapidjson::Document api = Valid(s, "api_activity", context);
      if (api.IsObject()) {
        const int activity = api["activity_id"].GetInt();
        api_seen.insert(activity);
        EXPECT_EQ(api["class_uid"].GetInt(), 6003) << context;
        EXPECT_EQ(api["type_uid"].GetInt64(), 600300 + activity) << context;
        EXPECT_TRUE(activity == 99 || api_activities.contains(std::to_string(activity))) << context;
        EXPECT_EQ(std::string(api["http_request"]["http_method"].GetString()), method);
      }
    }
  }
  // Every activity of both classes is reached; Other only for methods with no CRUD meaning.
  std::set<int> all_http;
  for (const auto& [id, name] : http_activities) all_http.insert(std::stoi(id));
  EXPECT_EQ(http_seen, all_http);
  EXPECT_EQ(api_seen, (std::set<int>{1, 2, 3, 4, 99}));
}

}  // namespace
}  // namespace apisensor::exporters
