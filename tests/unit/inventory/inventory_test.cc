#include "agent/inventory/inventory.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "agent/findings/finding_log.h"
#include "agent/inventory/endpoint_codec.h"
#include "agent/openapi/spec_parser.h"
#include "tests/unit/support/socket_address.h"

namespace apisensor::inventory {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kT0 = 1'800'000'000 * kSecond;

using apisensor::testing::V4;

// A served exchange on python3:8080 from 10.1.2.3.
ExchangeRecord Served(std::string method, std::string target, uint16_t status = 200,
                      std::string response_body = "", uint64_t ts = kT0) {
  ExchangeRecord r;
  r.ts_unix_ns = ts;
  r.latency_ns = 2'000'000;
  r.role = Role::kServer;
  r.process.comm = "python3";
  r.local = V4("10.0.0.5", 8080);
  r.remote = V4("10.1.2.3", 40000);
  r.http.request.method = std::move(method);
  r.http.request.target = std::move(target);
  r.http.request.headers = {{"host", "shop.internal:8080"}};
  http::Response response;
  response.status = status;
  if (!response_body.empty()) {
    response.headers = {{"content-type", "application/json"}};
    response.body_size = response_body.size();
    response.body_sample = std::move(response_body);
  }
  r.http.response = std::move(response);
  return r;
}

class FakeSpecs final : public DeclaredSpecs {
 public:
  void Bind(std::string service, std::string_view yaml) {
    auto specs =
        std::make_shared<openapi::ServiceSpecs>(std::vector<std::shared_ptr<const openapi::Spec>>{
            std::make_shared<const openapi::Spec>(openapi::ParseSpec(yaml, service + ".yaml"))});
    by_service_[std::move(service)] = std::move(specs);
    ++generation_;
  }
  std::shared_ptr<const openapi::ServiceSpecs> For(std::string_view name, uint16_t,
                                                   std::string_view) const override {
    auto it = by_service_.find(std::string(name));
    return it == by_service_.end() ? nullptr : it->second;
  }
  std::vector<std::string> ExplicitServices() const override {
    std::vector<std::string> out;
    for (const auto& [name, specs] : by_service_) out.push_back(name);
    return out;
  }
  std::unordered_map<uint16_t, std::string> ServiceNamesByPort() const override {
    return port_names_;
  }
  void NamePort(uint16_t port, std::string name) {
    port_names_[port] = std::move(name);
    ++generation_;
  }
  bool Empty() const override { return by_service_.empty(); }
  uint64_t generation() const override { return generation_; }

 private:
  std::map<std::string, std::shared_ptr<const openapi::ServiceSpecs>> by_service_;
  std::unordered_map<uint16_t, std::string> port_names_;
  uint64_t generation_ = 1;
};

constexpr std::string_view kShopSpec = R"(
openapi: 3.0.3
info: {title: Shop, version: 2.0.0}
paths:
  /users/{userId}:
    get: {operationId: getUser, responses: {"200": {description: ok}}}
    delete: {operationId: deleteUser, responses: {"204": {description: gone}}}
  /orders:
    get: {deprecated: true, responses: {"200": {description: ok}}}
)";

class InventoryTest : public ::testing::Test {
 protected:
  std::map<std::string, const EndpointView*> ByKey(const InventoryView& view) {
    std::map<std::string, const EndpointView*> out;
    for (const auto& e : view.endpoints)
      out[e->service + " " + e->method + " " + e->path] = e.get();
    return out;
  }

  sensitive::Scanner scanner_;
  findings::FindingLog findings_;
};

TEST_F(InventoryTest, TemplatesPathsAndAggregatesPerEndpoint) {
  Inventory inv({}, scanner_, nullptr, &findings_);
  for (int id : {17, 42, 99}) {
    inv.Observe(Served("GET", "/users/" + std::to_string(id) + "?expand=orders", 200,
                       R"({"id":1,"email":"ada@example.com"})"));
  }
  inv.Observe(Served("GET", "/users/7", 404));
  const PublishResult published = inv.Publish(kT0 + kSecond);
  const auto by_key = ByKey(*published.view);
  ASSERT_EQ(by_key.size(), 1u);
  const EndpointView& e = *by_key.at("python3:8080 GET /users/{id}");
  EXPECT_EQ(e.state, EndpointState::kShadow);
  EXPECT_EQ(e.stats.requests, 4u);
  EXPECT_EQ(e.stats.CountInClass(2), 3u);
  EXPECT_EQ(e.stats.CountInClass(4), 1u);
  EXPECT_TRUE(e.stats.response.sensitive.Has(sensitive::Kind::kEmail));
  EXPECT_TRUE(e.stats.query_params.Contains("expand"));
  EXPECT_EQ(e.stats.callers.Top(1)[0].caller, "10.1.2.3");
  EXPECT_EQ(e.stats.unauthenticated(), 4u);
  EXPECT_FALSE(e.stats.response.schema.empty());
  ASSERT_EQ(published.view->services.size(), 1u);
  EXPECT_EQ(published.view->services[0].hosts.entries()[0].name, "shop.internal:8080");
  // Without any spec loaded, a shadow endpoint is not a finding: there is nothing to differ from.
  EXPECT_EQ(findings_.size(), 0u);
}

TEST_F(InventoryTest, DeclaredTemplatesWinAndStatesFollowTheSpec) {
  FakeSpecs specs;
  specs.Bind("python3:8080", kShopSpec);
  Inventory inv({}, scanner_, &specs, &findings_);
  inv.Observe(Served("GET", "/users/17"));
  inv.Observe(Served("GET", "/orders"));
  inv.Observe(Served("GET", "/internal/debug"));
  const PublishResult published = inv.Publish(kT0 + kSecond);
  const auto by_key = ByKey(*published.view);
  EXPECT_EQ(by_key.at("python3:8080 GET /users/{userId}")->state, EndpointState::kDeclared);
  EXPECT_EQ(by_key.at("python3:8080 GET /users/{userId}")->declared.operation_id, "getUser");
  EXPECT_EQ(by_key.at("python3:8080 GET /orders")->state, EndpointState::kZombie);
  EXPECT_TRUE(by_key.at("python3:8080 GET /orders")->declared.deprecated);
  EXPECT_EQ(by_key.at("python3:8080 GET /internal/debug")->state, EndpointState::kShadow);
  EXPECT_EQ(by_key.at("python3:8080 DELETE /users/{userId}")->state, EndpointState::kUnused);
  EXPECT_EQ(by_key.at("python3:8080 DELETE /users/{userId}")->stats.requests, 0u);
  const auto all = findings_.All();
  ASSERT_EQ(all.size(), 2u);
  std::set<std::string> types;
  for (const auto& f : all) types.insert(f.type + " " + f.endpoint);
  EXPECT_EQ(types, (std::set<std::string>{"shadow_endpoint GET /internal/debug",
                                          "zombie_endpoint GET /orders"}));
  // A repeat is the same endpoint, not a new finding.
  inv.Observe(Served("GET", "/internal/debug"));
  EXPECT_EQ(findings_.size(), 2u);
}

TEST_F(InventoryTest, AMappingNamesTheServiceOnItsPort) {
  FakeSpecs specs;
  specs.Bind("shop", kShopSpec);
  specs.NamePort(8080, "shop");
  Inventory inv({}, scanner_, &specs, &findings_);
  inv.Observe(Served("GET", "/users/17"));
  ExchangeRecord other_port = Served("GET", "/users/17");
  other_port.local.port = 9090;
  inv.Observe(other_port);
  const PublishResult published = inv.Publish(kT0 + kSecond);
  const auto by_key = ByKey(*published.view);
  EXPECT_EQ(by_key.at("shop GET /users/{userId}")->state, EndpointState::kDeclared);
  EXPECT_EQ(by_key.at("python3:9090 GET /users/{id}")->state, EndpointState::kShadow);
}

TEST_F(InventoryTest, SpecLoadedLaterReclassifiesLearnedEndpoints) {
  FakeSpecs specs;
  Inventory inv({}, scanner_, &specs, &findings_);
  inv.Observe(Served("GET", "/users/17"));
  inv.Observe(Served("GET", "/users/18"));
  auto first = inv.Publish(kT0 + kSecond);
  ASSERT_EQ(first.view->endpoints.size(), 1u);
  EXPECT_EQ(first.view->endpoints[0]->path, "/users/{id}");
  const std::string learned_id = first.view->endpoints[0]->id;
  specs.Bind("python3:8080", kShopSpec);
  auto second = inv.Publish(kT0 + 2 * kSecond);
  const auto by_key = ByKey(*second.view);
  const EndpointView& e = *by_key.at("python3:8080 GET /users/{userId}");
  EXPECT_EQ(e.state, EndpointState::kDeclared);
  EXPECT_EQ(e.stats.requests, 2u);  // the learned endpoint's figures moved with it
  EXPECT_EQ(second.removed_ids, std::vector<std::string>{learned_id});
}

TEST_F(InventoryTest, CardinalityMergeFoldsEarlierEndpoints) {
  InventoryLimits limits;
  limits.templating.cardinality_threshold = 5;
  Inventory inv(limits, scanner_, nullptr, nullptr);
  const char* tenants[] = {"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne"};
  for (const char* t : tenants) inv.Observe(Served("GET", std::string("/v1/") + t + "/orders"));
  const auto published = inv.Publish(kT0 + kSecond);
  const auto by_key = ByKey(*published.view);
  ASSERT_EQ(by_key.size(), 1u) << by_key.begin()->first;
  EXPECT_EQ(by_key.begin()->second->path, "/v1/{param}/orders");
  EXPECT_EQ(by_key.begin()->second->stats.requests, 7u);
  EXPECT_GE(published.view->stats.endpoints_rekeyed, 1u);
}

TEST_F(InventoryTest, EgressCallsAreExternalServices) {
  Inventory inv({}, scanner_, nullptr, nullptr);
  inv.local_addresses().SetForTesting({V4("10.0.0.5", 0)});
  ExchangeRecord r = Served("POST", "/v1/charges");
  r.role = Role::kClient;
  r.tls = true;
  r.process.comm = "billing";
  r.local = V4("10.0.0.5", 51000);
  r.remote = V4("93.184.216.34", 443);
  r.http.request.headers = {{"host", "API.Stripe.com:443"}, {"authorization", "Bearer sk_x"}};
  r.auth.kind = secrets::AuthKind::kBearer;
  inv.Observe(r);
  ExchangeRecord local_call = r;  // to a server on this host that is not traced
  local_call.remote = V4("10.0.0.5", 9000);
  inv.Observe(local_call);
  const auto view = inv.Publish(kT0 + kSecond).view;
  std::map<std::string, ServiceKind> kinds;
  for (const ServiceView& s : view->services) kinds[s.name] = s.kind;
  EXPECT_EQ(kinds, (std::map<std::string, ServiceKind>{{"api.stripe.com", ServiceKind::kExternal},
                                                       {"localhost:9000", ServiceKind::kLocal}}));
  const auto by_key = ByKey(*view);
  const EndpointView& e = *by_key.at("api.stripe.com POST /v1/charges");
  EXPECT_EQ(e.stats.callers.Top(1)[0].caller, "billing");
  EXPECT_EQ(e.stats.auth[static_cast<size_t>(secrets::AuthKind::kBearer)], 1u);
  EXPECT_EQ(e.stats.tls, 1u);
}

TEST_F(InventoryTest, ObserveSaysWhereTheExchangeWentAndWhatIsNewInItsResponse) {
  Inventory inv({}, scanner_, nullptr, nullptr);
  const ObservedEndpoint* first = inv.Observe(Served("GET", "/users/1", 200, R"({"id":1})"));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->service, "python3:8080");
  EXPECT_EQ(first->path, "/users/{id}");
  EXPECT_EQ(first->caller, "10.1.2.3");
  EXPECT_EQ(first->stats->requests, 1u);
  EXPECT_TRUE(first->new_response_sensitive.empty());
  const ObservedEndpoint* second =
      inv.Observe(Served("GET", "/users/2", 200, R"({"id":2,"email":"ada@example.com"})"));
  EXPECT_TRUE(second->new_response_sensitive.Has(sensitive::Kind::kEmail));
  const ObservedEndpoint* third =
      inv.Observe(Served("GET", "/users/3", 200, R"({"id":3,"email":"bob@example.com"})"));
  EXPECT_TRUE(third->new_response_sensitive.empty());  // no longer new
  ExchangeRecord orphan = Served("GET", "/x");
  orphan.role = Role::kUnknown;
  EXPECT_EQ(inv.Observe(orphan), nullptr);
}

TEST_F(InventoryTest, CapsCountWhatTheyTurnAway) {
  InventoryLimits limits;
  limits.max_services = 1;
  limits.max_endpoints_per_service = 2;
  Inventory inv(limits, scanner_, nullptr, nullptr);
  inv.Observe(Served("GET", "/a"));
  inv.Observe(Served("GET", "/b"));
  inv.Observe(Served("GET", "/c"));
  ExchangeRecord other = Served("GET", "/a");
  other.local.port = 9090;
  inv.Observe(other);
  const auto view = inv.Publish(kT0 + kSecond).view;
  EXPECT_EQ(view->endpoints.size(), 2u);
  EXPECT_EQ(view->stats.endpoints_dropped, 1u);
  EXPECT_EQ(view->stats.services_dropped, 1u);
  EXPECT_EQ(view->services[0].endpoints_dropped, 1u);
}

TEST_F(InventoryTest, PublishCopiesOnlyWhatChanged) {
  Inventory inv({}, scanner_, nullptr, nullptr);
  inv.Observe(Served("GET", "/a"));
  inv.Observe(Served("GET", "/b"));
  auto first = inv.Publish(kT0 + kSecond);
  EXPECT_EQ(first.changed.size(), 2u);
  inv.Observe(Served("GET", "/b"));
  auto second = inv.Publish(kT0 + 2 * kSecond);
  ASSERT_EQ(second.changed.size(), 1u);
  EXPECT_EQ(second.changed[0]->path, "/b");
  // The unchanged endpoint is the very same immutable object.
  EXPECT_EQ(first.view->endpoints[0].get(), second.view->endpoints[0].get());
}

TEST_F(InventoryTest, StoredFiguresRoundTripAndRestore) {
  Inventory inv({}, scanner_, nullptr, nullptr);
  ExchangeRecord r = Served("POST", "/orders?dry_run=1", 201, R"({"id":5,"total":9.5})");
  r.http.request.headers.push_back({"content-type", "application/json"});
  r.http.request.body_sample = R"({"sku":"A1","qty":2})";
  r.http.request.body_size = r.http.request.body_sample.size();
  r.auth.kind = secrets::AuthKind::kJwt;
  r.auth.jwt = secrets::JwtClaims{"ES256", "https://idp", std::nullopt};
  inv.Observe(r);
  const auto view = inv.Publish(kT0 + kSecond).view;
  const EndpointView& original = *view->endpoints[0];
  EndpointStats decoded;
  ASSERT_TRUE(DecodeEndpointStats(EncodeEndpointStats(original.stats), {}, decoded));
  EXPECT_EQ(EncodeEndpointStats(decoded), EncodeEndpointStats(original.stats));
  EXPECT_EQ(decoded.request.schema.ToJsonSchema(), original.stats.request.schema.ToJsonSchema());
  EXPECT_FALSE(DecodeEndpointStats(R"({"v":99})", {}, decoded));
  EXPECT_FALSE(DecodeEndpointStats("not json", {}, decoded));

  Inventory restarted({}, scanner_, nullptr, nullptr);
  restarted.Restore(RestoredEndpoint{view->services[0], original});
  restarted.Observe(r);
  const auto after = restarted.Publish(kT0 + 2 * kSecond).view;
  ASSERT_EQ(after->endpoints.size(), 1u);
  EXPECT_EQ(after->endpoints[0]->stats.requests, 2u);
  EXPECT_EQ(after->endpoints[0]->id, original.id);
  EXPECT_EQ(after->endpoints[0]->stats.jwt_algs.entries()[0].count, 2u);
}

}  // namespace
}  // namespace apisensor::inventory
