// Learning templates from realistic traffic: ids by shape, parameters by cardinality, static
// names that must survive, and re-keying after merges.
#include "agent/templating/path_templater.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::templating {
namespace {

std::string Observe(PathTemplater& t, std::string_view path) {
  return std::string(t.Observe(path));
}

const std::vector<std::string>& Tenants() {
  static const std::vector<std::string> names = {
      "acme",     "globex",    "initech",  "umbrella",  "hooli",   "stark",     "wayne",
      "wonka",    "cyberdyne", "tyrell",   "soylent",   "massive", "gringotts", "oscorp",
      "vandelay", "monarch",   "aperture", "blackmesa", "weyland", "nakatomi",  "dunder",
      "pawnee",   "prestige",  "sterling", "oceanic"};
  return names;
}

TEST(PathTemplaterTest, NumericIdsAndNestedResources) {
  PathTemplater t;
  EXPECT_EQ(Observe(t, "/users/123"), "/users/{id}");
  EXPECT_EQ(Observe(t, "/users/456"), "/users/{id}");
  EXPECT_EQ(Observe(t, "/users/123/orders/9f8c2a1e-4b7d-4c1a-9e3f-0a1b2c3d4e5f"),
            "/users/{id}/orders/{id}");
  EXPECT_EQ(Observe(t, "/users/7/orders/8/items/9"), "/users/{id}/orders/{id}/items/{id}");
  EXPECT_EQ(Observe(t, "/stores/507f1f77bcf86cd799439011/products/507f191e810c19729de860ea"),
            "/stores/{id}/products/{id}");
  EXPECT_EQ(Observe(t, "/"), "/");
  EXPECT_EQ(Observe(t, "/users"), "/users");
  EXPECT_EQ(t.generation(), 0u);
}

TEST(PathTemplaterTest, DatesEmailsDigestsAndTokens) {
  PathTemplater t;
  EXPECT_EQ(Observe(t, "/reports/2024-01-31/summary"), "/reports/{date}/summary");
  EXPECT_EQ(Observe(t, "/reports/20240131/summary"), "/reports/{id}/summary");
  EXPECT_EQ(Observe(t, "/users/ada@example.com/settings"), "/users/{email}/settings");
  EXPECT_EQ(Observe(t, "/users/grace%40example.org/settings"), "/users/{email}/settings");
  EXPECT_EQ(Observe(t,
                    "/blobs/sha256/"
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            "/blobs/sha256/{id}");
  EXPECT_EQ(Observe(t, "/commits/da39a3ee5e6b4b0d3255bfef95601890afd80709"), "/commits/{id}");
  EXPECT_EQ(Observe(t, "/reset/q0Z8rT3vW_x-1bN7yLmK2A"), "/reset/{id}");
  EXPECT_EQ(Observe(t, "/orders/ORD12345678/lines/3"), "/orders/{id}/lines/{id}");
}

TEST(PathTemplaterTest, RandomBase64UrlTokensAreIdsOrMergeQuickly) {
  PathTemplater t;
  std::mt19937 rng(12345);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t as_id = 0;
  for (int i = 0; i < 500; ++i) {
    std::string token;
    for (int k = 0; k < 32; ++k) token += alphabet[rng() % alphabet.size()];
    const std::string tmpl = Observe(t, "/reset/" + token + "/confirm");
    as_id += tmpl == "/reset/{id}/confirm";
  }
  // Almost every 32-character token classifies by itself; a rare one that does not stays a
  // literal until cardinality merges its kind.
  EXPECT_GE(as_id, 495u);
  EXPECT_LE(t.node_count(), 4u + 2 * 10u);
}

TEST(PathTemplaterTest, VersionSegmentsStayLiteral) {
  PathTemplater t;
  EXPECT_EQ(Observe(t, "/api/v1/orders/1"), "/api/v1/orders/{id}");
  EXPECT_EQ(Observe(t, "/api/v2/orders/1"), "/api/v2/orders/{id}");
  EXPECT_EQ(Observe(t, "/api/v10/orders"), "/api/v10/orders");
  EXPECT_EQ(Observe(t, "/v1"), "/v1");
  EXPECT_EQ(Observe(t, "/api/v20240131/things"), "/api/v20240131/things");
}

// A naive rule counting every distinct value at a position would merge me and search with the
// ids once more than 20 users are seen.
TEST(PathTemplaterTest, StaticSiblingsOfAnIdNeverMerge) {
  PathTemplater t;
  Observe(t, "/users/me");
  Observe(t, "/users/search");
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(Observe(t, "/users/" + std::to_string(1000 + i * 7)), "/users/{id}");
  }
  EXPECT_EQ(Observe(t, "/users/me"), "/users/me");
  EXPECT_EQ(Observe(t, "/users/search"), "/users/search");
  EXPECT_EQ(Observe(t, "/users/settings"), "/users/settings");
  EXPECT_EQ(t.generation(), 0u);
  EXPECT_EQ(t.stats().merges, 0u);
}

TEST(PathTemplaterTest, FewResourceNamesAreNotMerged) {
  PathTemplater t;
  for (std::string_view r : {"orders", "users", "products"}) {
    for (int i = 0; i < 50; ++i) Observe(t, "/api/v1/" + std::string(r) + "/" + std::to_string(i));
  }
  EXPECT_EQ(Observe(t, "/api/v1/orders"), "/api/v1/orders");
  EXPECT_EQ(Observe(t, "/api/v1/users"), "/api/v1/users");
  EXPECT_EQ(Observe(t, "/api/v1/products/3"), "/api/v1/products/{id}");
  EXPECT_EQ(t.generation(), 0u);
}

// More resource names than the threshold, each with its own subtree ({id} children only): a
// bare cardinality rule would collapse the API into /api/v1/{param}.
TEST(PathTemplaterTest, ManyResourcesWithTheirOwnSubtreesNeverMerge) {
  PathTemplater t;
  std::vector<std::string> resources;
  for (int i = 0; i < 40; ++i)
    resources.push_back("resource" + std::string(1, 'a' + i % 26) + std::string(1, 'a' + i / 26));
  for (const std::string& r : resources) {
    Observe(t, "/api/v1/" + r + "/17");
    Observe(t, "/api/v1/" + r);
    Observe(t, "/api/v1/" + r + "/18/history");
  }
  for (const std::string& r : resources) {
    EXPECT_EQ(Observe(t, "/api/v1/" + r), "/api/v1/" + r);
    EXPECT_EQ(Observe(t, "/api/v1/" + r + "/99/history"), "/api/v1/" + r + "/{id}/history");
  }
  EXPECT_EQ(t.generation(), 0u);
}

void ObserveTenant(PathTemplater& t, const std::string& tenant) {
  Observe(t, "/v1/" + tenant + "/orders");
  Observe(t, "/v1/" + tenant + "/orders/" + std::to_string(tenant.size() * 31));
}

TEST(PathTemplaterTest, TenantsMergeAfterThresholdPlusOneNotAtThreshold) {
  PathTemplater t;  // threshold 20
  Observe(t, "/v1/health");
  Observe(t, "/v1/status");
  Observe(t, "/v1/users/5");
  Observe(t, "/v1/users/5/preferences");
  for (size_t i = 0; i < 20; ++i) ObserveTenant(t, Tenants()[i]);
  EXPECT_EQ(t.generation(), 0u);
  EXPECT_EQ(Observe(t, "/v1/acme/orders"), "/v1/acme/orders");
  EXPECT_EQ(Tenants()[20], "dunder");
  EXPECT_EQ(Observe(t, "/v1/dunder/orders"), "/v1/{param}/orders");
  EXPECT_EQ(t.generation(), 1u) << "the 21st tenant must merge";
  EXPECT_EQ(t.stats().merges, 1u);
  EXPECT_EQ(t.stats().literals_merged, 21u);
  EXPECT_EQ(Observe(t, "/v1/acme/orders/77"), "/v1/{param}/orders/{id}");
  EXPECT_EQ(Observe(t, "/v1/brand-new-tenant/orders"), "/v1/{param}/orders");
  // Static siblings survive: leaves next to sharing siblings, and a sibling with its own subtree.
  EXPECT_EQ(Observe(t, "/v1/health"), "/v1/health");
  EXPECT_EQ(Observe(t, "/v1/status"), "/v1/status");
  EXPECT_EQ(Observe(t, "/v1/users/9/preferences"), "/v1/users/{id}/preferences");
  EXPECT_EQ(t.generation(), 1u);
}

TEST(PathTemplaterTest, TheObservationThatMergesReturnsTheMergedTemplate) {
  PathTemplater t;
  for (size_t i = 0; i < 20; ++i) ObserveTenant(t, Tenants()[i]);
  EXPECT_EQ(t.generation(), 0u);
  EXPECT_EQ(Observe(t, "/v1/" + Tenants()[20] + "/orders"), "/v1/{param}/orders");
  EXPECT_EQ(t.generation(), 1u);
}

TEST(PathTemplaterTest, LookupReKeysOldTemplatesAfterAMerge) {
  PathTemplater t;
  std::vector<std::string> before;
  for (size_t i = 0; i < 20; ++i) {
    before.push_back(Observe(t, "/v1/" + Tenants()[i] + "/orders/12"));
    Observe(t, "/v1/" + Tenants()[i] + "/invoices");
  }
  EXPECT_EQ(before[0], "/v1/acme/orders/{id}");
  const size_t nodes_before = t.node_count();
  EXPECT_EQ(t.Lookup("/v1/acme/orders/{id}"), "/v1/acme/orders/{id}");
  EXPECT_EQ(t.node_count(), nodes_before) << "Lookup must not learn";
  const uint64_t generation = t.generation();
  Observe(t, "/v1/" + Tenants()[20] + "/orders/12");
  ASSERT_GT(t.generation(), generation);
  for (const std::string& old : before) EXPECT_EQ(t.Lookup(old), "/v1/{param}/orders/{id}");
  EXPECT_EQ(t.Lookup("/v1/acme/invoices"), "/v1/{param}/invoices");
  EXPECT_EQ(t.Lookup("/v1/acme/orders/123"), "/v1/{param}/orders/{id}");  // a raw path
  EXPECT_EQ(t.Lookup("/v1/{param}/orders/{id}"), "/v1/{param}/orders/{id}");
  EXPECT_EQ(t.Lookup("/v1/never-seen/orders"), "/v1/{param}/orders");
  EXPECT_LT(t.node_count(), nodes_before) << "merged subtrees are folded into one";
}

TEST(PathTemplaterTest, LookupWithoutLearningRendersUnknownPaths) {
  PathTemplater t;
  Observe(t, "/users/1");
  const size_t nodes = t.node_count();
  EXPECT_EQ(t.Lookup("/users/2/avatar"), "/users/{id}/avatar");
  EXPECT_EQ(t.Lookup("/unknown/ada@example.com/2024-02-29"), "/unknown/{email}/{date}");
  EXPECT_EQ(t.Lookup("/users/{id}/avatar"), "/users/{id}/avatar");
  EXPECT_EQ(t.Lookup(""), "/");
  EXPECT_EQ(t.node_count(), nodes);
}

TEST(PathTemplaterTest, ThresholdIsConfigurable) {
  TemplaterLimits limits;
  limits.cardinality_threshold = 5;
  PathTemplater t(limits);
  for (size_t i = 0; i < 5; ++i) ObserveTenant(t, Tenants()[i]);
  EXPECT_EQ(t.generation(), 0u);
  ObserveTenant(t, Tenants()[5]);
  EXPECT_EQ(t.generation(), 1u);
  EXPECT_EQ(Observe(t, "/v1/acme/orders"), "/v1/{param}/orders");
}

TEST(PathTemplaterTest, SlugsMergeIntoParamAndSiblingsWithTheirOwnSubtreeSurvive) {
  PathTemplater t;
  Observe(t, "/blog/tags/python");
  Observe(t, "/blog/tags/rust");
  for (int i = 0; i < 100; ++i) Observe(t, "/blog/feed");
  std::vector<std::string> slugs;
  for (int i = 0; i < 21; ++i) {
    slugs.push_back("how-to-" + std::string(1, 'a' + i) + "-things-" + std::to_string(2000 + i));
  }
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Observe(t, "/blog/" + slugs[i]), "/blog/" + slugs[i]);
  EXPECT_EQ(t.generation(), 0u);
  EXPECT_EQ(Observe(t, "/blog/" + slugs[20]), "/blog/{param}");
  EXPECT_EQ(t.generation(), 1u);
  EXPECT_EQ(Observe(t, "/blog/" + slugs[3]), "/blog/{param}");
  EXPECT_EQ(Observe(t, "/blog/another-post"), "/blog/{param}");
  EXPECT_EQ(Observe(t, "/blog/feed"), "/blog/feed") << "a frequent sibling survives";
  EXPECT_EQ(Observe(t, "/blog/tags/python"), "/blog/tags/python");
}

TEST(PathTemplaterTest, LeafValuesUnderAParentMergeByCardinality) {
  PathTemplater t;
  const std::vector<std::string> words = {
      "python", "rust",   "golang", "java",    "kotlin", "swift",  "haskell", "ocaml",
      "scala",  "elixir", "erlang", "clojure", "lua",    "perl",   "ruby",    "php",
      "dart",   "zig",    "nim",    "crystal", "julia",  "fortran"};
  for (size_t i = 0; i < 20; ++i) Observe(t, "/tags/" + words[i]);
  EXPECT_EQ(Observe(t, "/tags/python"), "/tags/python");
  EXPECT_EQ(Observe(t, "/tags/" + words[20]), "/tags/{param}");
  EXPECT_EQ(Observe(t, "/tags/python"), "/tags/{param}");
}

// The root's leaves are pages and files, not values.
TEST(PathTemplaterTest, RootLeavesNeverMergeButRootTenantsDo) {
  PathTemplater t;
  for (int i = 0; i < 40; ++i)
    Observe(t, "/page-" + std::string(1, 'a' + i % 26) + "-x" + std::string(1, 'a' + i / 26));
  EXPECT_EQ(Observe(t, "/page-a-xa"), "/page-a-xa");
  EXPECT_EQ(t.generation(), 0u);
  for (size_t i = 0; i < 21; ++i) Observe(t, "/" + Tenants()[i] + "/dashboard");
  EXPECT_EQ(t.generation(), 1u);
  EXPECT_EQ(Observe(t, "/acme/dashboard"), "/{param}/dashboard");
  EXPECT_EQ(Observe(t, "/page-b-xa"), "/page-b-xa");
}

TEST(PathTemplaterTest, MergedSubtreesUniteAndKeepEveryTenantsEndpoints) {
  PathTemplater t;
  for (size_t i = 0; i < 21; ++i) {
    Observe(t, "/v1/" + Tenants()[i] + "/orders");
    // Each tenant uses one more endpoint, different across tenants.
    Observe(t, "/v1/" + Tenants()[i] + (i % 2 ? "/invoices/4" : "/reports/2024-05-01"));
  }
  ASSERT_EQ(t.generation(), 1u);
  EXPECT_EQ(t.Lookup("/v1/globex/invoices/4"), "/v1/{param}/invoices/{id}");
  EXPECT_EQ(t.Lookup("/v1/acme/reports/2024-05-01"), "/v1/{param}/reports/{date}");
  EXPECT_EQ(Observe(t, "/v1/zzz/invoices/5"), "/v1/{param}/invoices/{id}");
}

TEST(PathTemplaterTest, MergesInsideAMergedUnionSettleToo) {
  TemplaterLimits limits;
  limits.cardinality_threshold = 3;
  PathTemplater t(limits);
  // Each tenant has one project of its own: under one tenant a project has no sibling to look
  // like, but once the tenants merge, /v1/{param}/projects holds four alike projects and must
  // merge them as well.
  for (size_t i = 0; i < 4; ++i) {
    Observe(t, "/v1/" + Tenants()[i] + "/projects/" + Tenants()[10 + i] + "/board");
  }
  EXPECT_EQ(t.stats().merges, 2u);
  EXPECT_EQ(t.Lookup("/v1/acme/projects/" + Tenants()[10] + "/board"),
            "/v1/{param}/projects/{param}/board");
  EXPECT_EQ(Observe(t, "/v1/acme/projects/whatever/board"), "/v1/{param}/projects/{param}/board");
}

TEST(PathTemplaterTest, NormalisationVariantsShareOneTemplate) {
  PathTemplater t;
  const std::string expected = "/api/v1/users/{id}";
  for (std::string_view p :
       {"/api/v1/users/1", "/api/v1/users/1/", "//api//v1/users/1", "api/v1/users/1",
        "/api/v1/./users/x/../1", "/api/v1/users/1?expand=all", "/api/%76%31/users/1",
        "/api/v1/users/1;jsessionid=ABC", "http://host:8080/api/v1/users/1"}) {
    EXPECT_EQ(Observe(t, p), expected) << p;
  }
  EXPECT_EQ(Observe(t, "/files/caf%c3%a9"), "/files/caf%C3%A9");
  EXPECT_EQ(Observe(t, "/files/caf\xc3\xa9"), "/files/caf%C3%A9");
}

TEST(PathTemplaterTest, ReturnedViewIsReusedNotAliasedAcrossLookups) {
  PathTemplater t;
  const std::string_view first = t.Observe("/users/1");
  const std::string copy(first);
  EXPECT_EQ(t.Lookup("/orders/2"), "/orders/{id}");  // const: the view stays valid
  EXPECT_EQ(first, copy);
}

}  // namespace
}  // namespace apisensor::templating
