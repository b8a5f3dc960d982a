#include "agent/openapi/service_specs.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/openapi/spec_parser.h"
#include "tests/unit/openapi/spec_test_support.h"

namespace apisensor::openapi {
namespace {

std::shared_ptr<const Spec> Load(std::string_view name) {
  return std::make_shared<const Spec>(LoadSpecFile(SpecPath(name)));
}

std::shared_ptr<const Spec> Parse(std::string_view text, const std::string& source) {
  return std::make_shared<const Spec>(ParseSpec(text, source));
}

// "state template" for a request, e.g. "declared /v2/orders/{orderId}".
std::string Describe(const ServiceSpecs& specs, std::string_view method, std::string_view path) {
  const Classification c = specs.Classify(method, path);
  std::string out(DeclaredStateName(c.state));
  if (!c.template_path.empty()) out += " " + std::string(c.template_path);
  if (c.state == DeclaredState::kUndeclared && c.path_declared) out += " (path only)";
  return out;
}

class OrdersVersions : public ::testing::Test {
 protected:
  // Given in the "wrong" order: the version decides, not the order.
  ServiceSpecs specs_{{Load("orders-v2.yaml"), Load("orders-v1.yaml")}};
};

TEST_F(OrdersVersions, DeclaredDeprecatedRemovedUndeclared) {
  EXPECT_EQ(Describe(specs_, "GET", "/v2/orders"), "declared /v2/orders");
  EXPECT_EQ(Describe(specs_, "GET", "/v2/orders/42"), "declared /v2/orders/{orderId}");
  EXPECT_EQ(Describe(specs_, "DELETE", "/v2/orders/42"), "deprecated /v2/orders/{orderId}");
  // v1 lives under /v1, which only the older spec declares.
  EXPECT_EQ(Describe(specs_, "GET", "/v1/orders"), "removed /v1/orders");
  EXPECT_EQ(Describe(specs_, "GET", "/v1/orders/7/legacy-status"),
            "removed /v1/orders/{orderId}/legacy-status");
  EXPECT_EQ(Describe(specs_, "GET", "/v2/orders/7/legacy-status"), "undeclared");
  EXPECT_EQ(Describe(specs_, "GET", "/v3/orders"), "undeclared");
  EXPECT_EQ(Describe(specs_, "GET", "/orders"), "undeclared");  // the base path is required
  // A method nobody declares on a declared path: undeclared, with the path's template.
  EXPECT_EQ(Describe(specs_, "PUT", "/v2/orders/42"),
            "undeclared /v2/orders/{orderId} (path only)");
  EXPECT_EQ(Describe(specs_, "PUT", "/v1/orders"), "undeclared /v1/orders (path only)");
}

TEST_F(OrdersVersions, ClassificationCarriesTheOperation) {
  const Classification c = specs_.Classify("GET", "/api/v2/orders/42/");
  ASSERT_EQ(c.state, DeclaredState::kDeclared);
  ASSERT_NE(c.operation, nullptr);
  EXPECT_EQ(c.operation->operation_id, "getOrder");
  // One endpoint per operation whichever base path was used; the one used is kept too.
  EXPECT_EQ(c.template_path, "/v2/orders/{orderId}");
  EXPECT_EQ(c.matched_template, "/api/v2/orders/{orderId}");
  EXPECT_TRUE(c.secured());
  EXPECT_TRUE(c.method_declared);
  EXPECT_EQ(c.source, SpecPath("orders-v2.yaml").string());
  EXPECT_EQ(c.spec->version, "2.0.0");

  const Classification removed = specs_.Classify("DELETE", "/v1/orders/9");
  ASSERT_EQ(removed.state, DeclaredState::kRemoved);
  EXPECT_EQ(removed.spec->version, "1.4.0");
  EXPECT_EQ(removed.operation->operation_id, "deleteOrder");
  EXPECT_TRUE(removed.secured());

  const Classification health = specs_.Classify("GET", "/health");
  EXPECT_EQ(health.state, DeclaredState::kDeclared);
  EXPECT_FALSE(health.secured());

  const Classification none = specs_.Classify("GET", "/nothing");
  EXPECT_EQ(none.operation, nullptr);
  EXPECT_FALSE(none.secured());
  EXPECT_FALSE(none.path_declared);
  EXPECT_EQ(none.source, "");
}

TEST_F(OrdersVersions, LiteralSegmentsAndPatterns) {
  EXPECT_EQ(Describe(specs_, "GET", "/v2/orders/summary"), "declared /v2/orders/summary");
  EXPECT_EQ(Describe(specs_, "DELETE", "/v2/orders/summary"),
            "deprecated /v2/orders/{orderId}");  // the literal path has no DELETE
  EXPECT_EQ(Describe(specs_, "GET", "/v2/orders/1/invoice.pdf"),
            "declared /v2/orders/{orderId}/invoice.{format}");
  EXPECT_EQ(Describe(specs_, "GET", "/v2/orders/1/invoice."), "undeclared");
  EXPECT_EQ(Describe(specs_, "GET", "/v2/reports/v3/daily"), "declared /v2/reports/v{major}/daily");
}

TEST_F(OrdersVersions, CurrentOperationsAndSources) {
  const auto& current = specs_.CurrentOperations();
  ASSERT_EQ(current.size(), 10u);  // v2 only; v1's operations are history
  for (const Operation* op : current) {
    EXPECT_EQ(specs_.SourceOf(*op), SpecPath("orders-v2.yaml").string());
  }
  EXPECT_EQ(current.front()->method + " " + current.front()->template_path, "GET /v2/orders");
  EXPECT_EQ(specs_.Sources(), (std::vector<std::string>{SpecPath("orders-v2.yaml").string(),
                                                        SpecPath("orders-v1.yaml").string()}));
  EXPECT_TRUE(specs_.IsCurrent(*specs_.specs()[0]));
  EXPECT_FALSE(specs_.IsCurrent(*specs_.specs()[1]));
  const Operation foreign;
  EXPECT_EQ(specs_.SpecOf(foreign), nullptr);
  EXPECT_EQ(specs_.SourceOf(foreign), "");
}

TEST(ServiceSpecs, SameApiTwoVersionsSamePaths) {
  const auto v1 = Parse(R"(openapi: 3.0.0
info: {title: Pets, version: 1.9.0}
paths:
  /pets: {get: {}, post: {}}
  /pets/{id}: {get: {}, delete: {}}
)",
                        "pets-1.9.yaml");
  const auto v2 = Parse(R"(openapi: 3.0.0
info: {title: Pets, version: 1.10.0}
paths:
  /pets: {get: {deprecated: true}}
  /pets/{id}: {get: {}}
)",
                        "pets-1.10.yaml");
  const ServiceSpecs specs({v1, v2});
  EXPECT_EQ(Describe(specs, "GET", "/pets"), "deprecated /pets");  // 1.10 > 1.9
  EXPECT_EQ(Describe(specs, "POST", "/pets"), "removed /pets");
  EXPECT_EQ(Describe(specs, "DELETE", "/pets/3"), "removed /pets/{id}");
  EXPECT_EQ(Describe(specs, "GET", "/pets/3"), "declared /pets/{id}");
  EXPECT_EQ(specs.CurrentOperations().size(), 2u);
}

TEST(ServiceSpecs, TiedLatestVersionsAreAllCurrent) {
  const auto a =
      Parse("openapi: 3.0.0\ninfo: {title: A, version: '1.0'}\npaths: {/a: {get: {}}}\n", "a.yaml");
  const auto b =
      Parse("openapi: 3.0.0\ninfo: {title: B, version: 1.0.0}\npaths: {/b: {get: {}}}\n", "b.yaml");
  const auto old = Parse(
      "openapi: 3.0.0\ninfo: {title: A, version: '0.9'}\n"
      "paths: {/a: {get: {}}, /gone: {get: {}}}\n",
      "old.yaml");
  const ServiceSpecs specs({b, old, a});
  EXPECT_EQ(Describe(specs, "GET", "/a"), "declared /a");
  EXPECT_EQ(Describe(specs, "GET", "/b"), "declared /b");
  EXPECT_EQ(Describe(specs, "GET", "/gone"), "removed /gone");
  EXPECT_EQ(specs.CurrentOperations().size(), 2u);
  // Ties are ordered by source, whatever the input order.
  EXPECT_EQ(specs.Sources(), (std::vector<std::string>{"a.yaml", "b.yaml", "old.yaml"}));
  // A (method, template) declared by two current specs is indexed once.
  const auto dup =
      Parse("openapi: 3.0.0\ninfo: {title: C, version: '1'}\npaths: {/a: {get: {}}}\n", "c.yaml");
  const ServiceSpecs with_dup({a, dup});
  EXPECT_EQ(with_dup.stats().duplicate_operations, 1u);
  EXPECT_EQ(with_dup.CurrentOperations().size(), 1u);
  EXPECT_EQ(with_dup.Classify("GET", "/a").source, "a.yaml");
}

TEST(ServiceSpecs, ByTitleKeepsUnrelatedApisCurrent) {
  const auto stripe = Parse(
      "openapi: 3.0.0\ninfo: {title: Payments, version: '2024-06-20'}\n"
      "paths: {/v1/charges: {get: {}}}\n",
      "payments.yaml");
  const auto github = Parse(
      "openapi: 3.0.0\ninfo: {title: Repos, version: 1.1.4}\n"
      "paths: {/repos: {get: {}}}\n",
      "repos.yaml");
  // As one API, the date-like version is "newer" and the other becomes history.
  EXPECT_EQ(Describe(ServiceSpecs({stripe, github}), "GET", "/repos"), "removed /repos");
  const ServiceSpecs by_title({stripe, github}, LineagePolicy::kByTitle);
  EXPECT_EQ(Describe(by_title, "GET", "/repos"), "declared /repos");
  EXPECT_EQ(Describe(by_title, "GET", "/v1/charges"), "declared /v1/charges");
}

TEST(ServiceSpecs, EmptyAndNullSpecs) {
  const ServiceSpecs empty({nullptr});
  EXPECT_EQ(Describe(empty, "GET", "/"), "undeclared");
  EXPECT_TRUE(empty.CurrentOperations().empty());
  EXPECT_TRUE(empty.Sources().empty());
  EXPECT_EQ(DeclaredStateName(DeclaredState::kRemoved), "removed");
}

}  // namespace
}  // namespace apisensor::openapi
