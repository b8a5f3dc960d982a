#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "agent/api/endpoint_query.h"
#include "agent/api/openapi_document.h"

namespace apisensor::api {
namespace {

std::shared_ptr<inventory::EndpointView> Endpoint(std::string method, std::string path,
                                                  inventory::EndpointState state) {
  auto e = std::make_shared<inventory::EndpointView>();
  e->service = "shop:80";
  e->method = std::move(method);
  e->path = std::move(path);
  e->state = state;
  e->stats.requests = 4;
  e->stats.last_seen_ns = 2'000'000'000'000'000'000ULL;
  e->stats.AddStatus(200, 3);
  e->stats.AddStatus(404, 1);
  return e;
}

TEST(EndpointQuery, ParsesFiltersAndRejectsUnknownValues) {
  EndpointQuery q;
  EXPECT_FALSE(ParseEndpointQuery({{"service", "shop:80"},
                                   {"state", "shadow"},
                                   {"auth", "none"},
                                   {"sensitive", "credit_card"},
                                   {"since", "2026-11-23T10:00:00Z"},
                                   {"limit", "10"},
                                   {"offset", "20"}},
                                  q));
  EXPECT_EQ(q.service, "shop:80");
  EXPECT_EQ(q.state, inventory::EndpointState::kShadow);
  EXPECT_EQ(q.auth, secrets::AuthKind::kNone);
  EXPECT_EQ(q.sensitive, sensitive::Kind::kCreditCard);
  EXPECT_EQ(q.since_ns, 1795428000ULL * 1'000'000'000ULL);
  EXPECT_EQ(q.limit, 10u);
  EXPECT_EQ(q.offset, 20u);
  for (auto bad : std::initializer_list<std::pair<const char*, const char*>>{{"state", "haunted"},
                                                                             {"auth", "kerberos"},
                                                                             {"sensitive", "mood"},
                                                                             {"since", "yesterday"},
                                                                             {"limit", "0"},
                                                                             {"limit", "5000"},
                                                                             {"colour", "red"}}) {
    EndpointQuery r;
    const auto error = ParseEndpointQuery({{bad.first, bad.second}}, r);
    ASSERT_TRUE(error.has_value()) << bad.first << "=" << bad.second;
    EXPECT_NE(error->find(bad.first), std::string::npos) << *error;
  }
}

TEST(EndpointQuery, TimesWithOffsetsAndFractions) {
  EXPECT_EQ(ParseTimeNs("1795428000"), 1795428000ULL * 1'000'000'000ULL);
  EXPECT_EQ(ParseTimeNs("2026-11-23T11:00:00.5+01:00"),
            1795428000ULL * 1'000'000'000ULL + 500'000'000ULL);
  EXPECT_FALSE(ParseTimeNs("2026-11-23T11:00:00").has_value());
  EXPECT_FALSE(ParseTimeNs("2026-11-23T11:00:00Zjunk").has_value());
}

TEST(EndpointQuery, Matches) {
  auto e = Endpoint("GET", "/users/{id}", inventory::EndpointState::kShadow);
  e->stats.auth[static_cast<size_t>(secrets::AuthKind::kJwt)] = 4;
  e->stats.response.sensitive.Add(sensitive::Kind::kEmail);
  EndpointQuery q;
  EXPECT_TRUE(Matches(q, *e));
  q.auth = secrets::AuthKind::kJwt;
  q.sensitive = sensitive::Kind::kEmail;
  q.state = inventory::EndpointState::kShadow;
  EXPECT_TRUE(Matches(q, *e));
  q.auth = secrets::AuthKind::kNone;
  EXPECT_FALSE(Matches(q, *e));
  q = {};
  q.since_ns = e->stats.last_seen_ns + 1;
  EXPECT_FALSE(Matches(q, *e));
}

TEST(ObservedOpenApi, RepeatedTemplateNamesBecomeUniqueParameters) {
  inventory::InventoryView view;
  inventory::ServiceView service;
  service.name = "shop:80";
  view.services.push_back(service);
  auto e = Endpoint("GET", "/users/{id}/orders/{id}", inventory::EndpointState::kShadow);
  e->stats.query_params.Add("page", 4);
  e->stats.auth[static_cast<size_t>(secrets::AuthKind::kNone)] = 1;
  e->stats.auth[static_cast<size_t>(secrets::AuthKind::kBasic)] = 3;
  view.endpoints.push_back(e);
  view.endpoints.push_back(Endpoint("DELETE", "/users/{id}", inventory::EndpointState::kUnused));
  view.endpoints.push_back(Endpoint("BREW", "/coffee", inventory::EndpointState::kShadow));
  const std::optional<std::string> text = ObservedOpenApi(view, "shop:80");
  ASSERT_TRUE(text.has_value());
  rapidjson::Document doc;
  doc.Parse(text->c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["openapi"].GetString(), "3.1.0");
  const auto& paths = doc["paths"];
  ASSERT_TRUE(paths.HasMember("/users/{id}/orders/{id_2}"));
  EXPECT_FALSE(paths.HasMember("/users/{id}"));  // unused: declared, never observed
  EXPECT_FALSE(paths.HasMember("/coffee"));      // not an OpenAPI method
  const auto& op = paths["/users/{id}/orders/{id_2}"]["get"];
  const auto& params = op["parameters"];
  ASSERT_EQ(params.Size(), 3u);
  EXPECT_STREQ(params[1]["name"].GetString(), "id_2");
  EXPECT_TRUE(params[1]["required"].GetBool());
  EXPECT_STREQ(params[2]["in"].GetString(), "query");
  EXPECT_TRUE(params[2]["required"].GetBool());  // sent on every request
  EXPECT_TRUE(op["responses"].HasMember("404"));
  // Basic seen, and calls without credentials too: the second alternative is anonymous.
  ASSERT_EQ(op["security"].Size(), 2u);
  EXPECT_TRUE(op["security"][0].HasMember("basicAuth"));
  EXPECT_EQ(op["security"][1].MemberCount(), 0u);
  EXPECT_STREQ(doc["components"]["securitySchemes"]["basicAuth"]["scheme"].GetString(), "basic");
  EXPECT_FALSE(ObservedOpenApi(view, "nope").has_value());
}

}  // namespace
}  // namespace apisensor::api
