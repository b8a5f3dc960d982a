// The validator must catch what it claims to, or every OCSF test built on it proves nothing: each
// case breaks one rule in an otherwise valid event and expects the complaint.
#include "tests/unit/exporters_ocsf/ocsf_validator.h"

#include <gtest/gtest.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>

#include "exporters/formats/ocsf/ocsf_formatter.h"
#include "tests/unit/exporters_ocsf/ocsf_test_items.h"

namespace apisensor::testing {
namespace {

using rapidjson::Document;
using rapidjson::Pointer;
using Mutation = std::function<void(Document&)>;

Document Valid(const exporters::ExportItem& item, const std::string& exchange_class) {
  exporters::FormatOptions options;
  options.hostname = "node-1";
  options.product_version = "0.1.0";
  options.ocsf_exchange_class = exchange_class;
  std::string json;
  exporters::MakeOcsfFormatter(options)->Format(item, json);
  Document doc;
  doc.Parse(json.c_str());
  return doc;
}

struct Case {
  const char* name;
  exporters::ExportItem item;
  const char* exchange_class;
  Mutation mutate;
  const char* complaint;  // expected in the validator's output
};

void Set(Document& d, const char* pointer, const rapidjson::Value& v) {
  Pointer(pointer).Set(d, rapidjson::Value(v, d.GetAllocator()));
}

void SetString(Document& d, const char* pointer, const char* text) {
  Pointer(pointer).Set(d, text);
}

std::vector<Case> Cases() {
  const exporters::ExportItem finding = SampleFinding();
  const exporters::ExportItem exchange = SampleExchange();
  return {
      {"missing top-level required", finding, "api_activity",
       [](Document& d) { d.RemoveMember("time"); }, "missing required attribute time"},
      {"missing required of a nested object", finding, "api_activity",
       [](Document& d) { d["finding_info"].RemoveMember("uid"); },
       "missing required attribute finding_info.uid"},
      {"missing required two levels down", finding, "api_activity",
       [](Document& d) { d["finding_info"]["analytic"].RemoveMember("type_id"); },
       "missing required attribute finding_info.analytic.type_id"},
      {"missing required object of API Activity", exchange, "api_activity",
       [](Document& d) { d.RemoveMember("actor"); }, "missing required attribute actor"},
      {"missing http_response.code", exchange, "api_activity",
       [](Document& d) { d["http_response"].RemoveMember("code"); },
       "missing required attribute http_response.code"},
      {"severity_id off the enum", finding, "api_activity",
       [](Document& d) { Set(d, "/severity_id", rapidjson::Value(7)); },
       "severity_id = 7 is not one of its enum values"},
      {"activity_id off the class's enum", exchange, "api_activity",
       [](Document& d) {
         Set(d, "/activity_id", rapidjson::Value(5));
         Set(d, "/type_uid", rapidjson::Value(600305));
       },
       "activity_id = 5 is not one of its enum values"},
      {"Detection Finding activity 4", finding, "api_activity",
       [](Document& d) {
         Set(d, "/activity_id", rapidjson::Value(4));
         Set(d, "/type_uid", rapidjson::Value(200404));
       },
       "activity_id = 4 is not one of its enum values"},
      {"http_method off the enum", exchange, "http_activity",
       [](Document& d) { SetString(d, "/http_request/http_method", "get"); },
       "http_request.http_method = \"get\" is not one of its enum values"},
      {"nested enum", finding, "api_activity",
       [](Document& d) { Set(d, "/resources/0/role_id", rapidjson::Value(9)); },
       "resources[0].role_id = 9 is not one of its enum values"},
      {"caption that contradicts its id", finding, "api_activity",
       [](Document& d) { SetString(d, "/severity", "Low"); },
       "severity = \"Low\" but severity_id 4 is \"High\""},
      {"activity name that contradicts its id", exchange, "api_activity",
       [](Document& d) { SetString(d, "/activity_name", "Delete"); }, "activity_name = \"Delete\""},
      {"type_uid not class*100+activity", finding, "api_activity",
       [](Document& d) { Set(d, "/type_uid", rapidjson::Value(200402)); },
       "type_uid = 200402 but class_uid*100+activity_id = 200401"},
      {"type_name of another activity", finding, "api_activity",
       [](Document& d) { SetString(d, "/type_name", "Detection Finding: Update"); },
       "type_name = \"Detection Finding: Update\""},
      {"category of another class", exchange, "http_activity",
       [](Document& d) { Set(d, "/category_uid", rapidjson::Value(6)); },
       "category_uid = 6 but HTTP Activity is in category 4"},
      {"unknown class", finding, "api_activity",
       [](Document& d) { Set(d, "/class_uid", rapidjson::Value(2005)); },
       "class_uid 2005 is not a class of the subset"},
      {"timestamp as text", finding, "api_activity",
       [](Document& d) { SetString(d, "/time", "2026-11-23T10:00:00Z"); },
       "time = \"2026-11-23T10:00:00Z\" must be milliseconds since 1970"},
      {"integer as text", finding, "api_activity", [](Document& d) { SetString(d, "/count", "1"); },
       "count = \"1\" must be a 32-bit integer"},
      {"integer_t beyond 32 bits", exchange, "api_activity",
       [](Document& d) {
         Set(d, "/http_response/body_length", rapidjson::Value(int64_t{1} << 33));
       },
       "http_response.body_length = 8589934592 must be a 32-bit integer"},
      {"port out of range", exchange, "api_activity",
       [](Document& d) { Set(d, "/src_endpoint/port", rapidjson::Value(70000)); },
       "src_endpoint.port = 70000 must be a port number"},
      {"ip that is no address", exchange, "api_activity",
       [](Document& d) { SetString(d, "/dst_endpoint/ip", "users.internal"); },
       "dst_endpoint.ip = \"users.internal\" must be an IP address"},
      {"boolean as number", finding, "api_activity",
       [](Document& d) { Set(d, "/is_alert", rapidjson::Value(1)); },
       "is_alert = 1 must be true or false"},
      {"array attribute given once", finding, "api_activity",
       [](Document& d) { SetString(d, "/finding_info/types", "unauthenticated_access"); },
       "finding_info.types must be an array"},
      {"object given as text", exchange, "api_activity",
       [](Document& d) { SetString(d, "/api", "GET /users/{id}"); },
       "api = \"GET /users/{id}\" must be an object (api)"},
      {"attribute the class lacks", finding, "api_activity",
       [](Document& d) { SetString(d, "/owasp", "API2:2023"); },
       "owasp is not an attribute of detection_finding"},
      {"attribute a nested object lacks", exchange, "api_activity",
       [](Document& d) { SetString(d, "/http_request/url/template", "/users/{id}"); },
       "http_request.url.template is not an attribute of url"},
      {"profile attribute without its profile", exchange, "api_activity",
       [](Document& d) { d["metadata"].RemoveMember("profiles"); },
       "device belongs to profile host, not in metadata.profiles"},
      {"unmapped that is no object", finding, "api_activity",
       [](Document& d) { SetString(d, "/unmapped", "x"); }, "unmapped must be an object"},
  };
}

std::string Problems(Document& doc) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return JoinLines(OcsfValidator::Default().Validate(std::string_view(buffer.GetString())));
}

TEST(OcsfValidator, CatchesEachBrokenRule) {
  for (Case& c : Cases()) {
    Document doc = Valid(c.item, c.exchange_class);
    ASSERT_EQ(Problems(doc), "") << c.name << ": the unbroken event must pass";
    c.mutate(doc);
    const std::string problems = Problems(doc);
    EXPECT_NE(problems.find(c.complaint), std::string::npos)
        << c.name << ": expected \"" << c.complaint << "\" in:\n"
        << problems;
  }
}

TEST(OcsfValidator, AllowsOnlyTheReservedActivitiesBeyondTheSubset) {
  Document doc = Valid(SampleExchange(), "api_activity");
  Set(doc, "/activity_id", rapidjson::Value(99));
  Set(doc, "/type_uid", rapidjson::Value(600399));
  SetString(doc, "/activity_name", "BREW");
  SetString(doc, "/type_name", "API Activity: Other");
  EXPECT_EQ(Problems(doc), "");
  Set(doc, "/activity_id", rapidjson::Value(98));
  Set(doc, "/type_uid", rapidjson::Value(600398));
  EXPECT_NE(Problems(doc).find("activity_id = 98 is not one of its enum values"),
            std::string::npos);
}

TEST(OcsfValidator, RejectsWhatIsNotAnEventObject) {
  EXPECT_NE(
      JoinLines(OcsfValidator::Default().Validate("{\"class_uid\": 2004,")).find("not valid JSON"),
      std::string::npos);
  EXPECT_NE(JoinLines(OcsfValidator::Default().Validate("[]")).find("not a JSON object"),
            std::string::npos);
  EXPECT_NE(JoinLines(OcsfValidator::Default().Validate("{\"time\": 1}")).find("class_uid"),
            std::string::npos);
  // Invalid UTF-8 inside a string is invalid JSON text.
  EXPECT_NE(
      JoinLines(OcsfValidator::Default().Validate("{\"class_uid\": 2004, \"message\": \"\xff\"}"))
          .find("not valid JSON"),
      std::string::npos);
}

}  // namespace
}  // namespace apisensor::testing
