#include "agent/openapi/spec_catalog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "tests/unit/openapi/spec_test_support.h"

namespace apisensor::openapi {
namespace {

namespace fs = std::filesystem;

std::string SpecText(std::string_view title, std::string_view version, std::string_view paths,
                     std::string_view server = "http://localhost:8080") {
  return "openapi: 3.0.3\ninfo: {title: " + std::string(title) + ", version: '" +
         std::string(version) + "'}\nservers: [{url: '" + std::string(server) + "'}]\npaths:\n" +
         std::string(paths);
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/openapi_catalog_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes through a new inode (as editors that save atomically do), so the change is seen even
  // within the file system's timestamp granularity.
  void Write(const std::string& name, const std::string& text) {
    const fs::path tmp = dir_ / (".tmp-" + name);
    std::ofstream(tmp) << text;
    fs::rename(tmp, dir_ / name);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST(SpecArgument, Forms) {
  SpecSource s = ParseSpecArgument("orders=specs/orders.yaml");
  EXPECT_EQ(s.service, "orders");
  EXPECT_EQ(s.path, "specs/orders.yaml");
  s = ParseSpecArgument("python3:8080=/etc/specs");
  EXPECT_EQ(s.service, "python3:8080");
  EXPECT_EQ(s.path, "/etc/specs");
  s = ParseSpecArgument("specs/orders.yaml");
  EXPECT_EQ(s.service, "");
  EXPECT_EQ(s.path, "specs/orders.yaml");
  s = ParseSpecArgument("shop/orders=/etc/specs/orders.yaml");  // Kubernetes namespace/workload
  EXPECT_EQ(s.service, "shop/orders");
  EXPECT_EQ(s.path, "/etc/specs/orders.yaml");
  s = ParseSpecArgument("specs/v1/a=b.yaml");  // two '/' before '=': a path
  EXPECT_EQ(s.service, "");
  EXPECT_EQ(s.path, "specs/v1/a=b.yaml");
  s = ParseSpecArgument("/nonexistent/a=b/c.yaml");  // '/' before '=': a path
  EXPECT_EQ(s.service, "");
  EXPECT_EQ(s.path, "/nonexistent/a=b/c.yaml");
  EXPECT_THROW(ParseSpecArgument(""), SpecError);
  EXPECT_THROW(ParseSpecArgument("=x.yaml"), SpecError);
  try {
    ParseSpecArgument("orders=");
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_EQ(std::string(e.what()), "no path after '='");
  }
}

TEST_F(TempDir, ExistingPathWithEqualsSignIsAPath) {
  Write("a=b.yaml", "x");
  const SpecSource s = ParseSpecArgument(Path("a=b.yaml"));
  EXPECT_EQ(s.service, "");
  EXPECT_EQ(s.path, Path("a=b.yaml"));
}

TEST(SpecCatalogFixtures, LoadsFilesAndDirectoriesWithBindings) {
  SpecCatalog catalog({{"orders", SpecPath("orders-v1.yaml")},
                       {"orders", SpecPath("orders-v2.yaml")},
                       {"", SpecPath("petstore.yaml")},
                       {"", SpecPath("bad")}});
  EXPECT_TRUE(catalog.current()->empty());
  EXPECT_EQ(catalog.current()->generation(), 0u);
  EXPECT_TRUE(catalog.ReloadIfChanged());
  const auto set = catalog.current();
  EXPECT_EQ(set->generation(), 1u);
  EXPECT_EQ(set->specs().size(), 3u);
  EXPECT_EQ(set->ExplicitServices(), std::vector<std::string>{"orders"});

  const auto orders = set->ForService("orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->Classify("GET", "/v1/orders").state, DeclaredState::kRemoved);
  EXPECT_EQ(orders->Classify("GET", "/v2/orders").state, DeclaredState::kDeclared);
  EXPECT_EQ(set->ForService("unknown"), nullptr);

  // Bound specs are not offered by port or host (orders-v1 says localhost:8080). The unbound
  // petstore names a remote host without a port: found by host, not bound to a local port 80.
  EXPECT_EQ(set->ForPort(8080), nullptr);
  EXPECT_EQ(set->ForHost("localhost"), nullptr);
  EXPECT_EQ(set->ForPort(80), nullptr);
  EXPECT_EQ(set->ForPort(0), nullptr);
  const auto by_host = set->ForHost("PetStore.Swagger.io");
  ASSERT_NE(by_host, nullptr);
  EXPECT_EQ(by_host->Classify("GET", "/v1/pets/1").state, DeclaredState::kDeclared);

  // Every file of the bad directory is reported, sorted, none is fatal.
  ASSERT_EQ(set->errors().size(), 4u);
  EXPECT_NE(set->errors()[0].find("bad/not-a-spec.yaml: not an OpenAPI or Swagger document"),
            std::string::npos);
  EXPECT_NE(set->errors()[1].find("bad/paths-not-a-mapping.json: line 2"), std::string::npos);
  EXPECT_NE(set->errors()[2].find("bad/syntax-error.yaml: line 9, column 3"), std::string::npos);
  EXPECT_EQ(catalog.errors(), set->errors());

  // Nothing changed: a cheap pass that publishes nothing.
  EXPECT_FALSE(catalog.ReloadIfChanged());
  EXPECT_EQ(catalog.current(), set);
  EXPECT_EQ(catalog.stats().files_parsed, 7u);
  EXPECT_EQ(catalog.stats().parse_failures, 4u);
}

TEST_F(TempDir, ReloadSeesChangesAdditionsAndRemovals) {
  Write("orders.yaml", SpecText("Orders", "1.0.0", "  /orders: {get: {}}\n"));
  Write("notes.txt", "not a spec, not looked at");
  Write(".orders.yaml.swp", "editor file");
  SpecCatalog catalog({{"orders", dir_}});
  ASSERT_TRUE(catalog.ReloadIfChanged());
  auto specs = catalog.current()->ForService("orders");
  ASSERT_NE(specs, nullptr);
  EXPECT_EQ(specs->Classify("POST", "/orders").state, DeclaredState::kUndeclared);
  EXPECT_TRUE(catalog.errors().empty());

  // Changed file.
  Write("orders.yaml", SpecText("Orders", "1.1.0", "  /orders: {get: {}, post: {}}\n"));
  EXPECT_TRUE(catalog.ReloadIfChanged());
  specs = catalog.current()->ForService("orders");
  EXPECT_EQ(specs->Classify("POST", "/orders").state, DeclaredState::kDeclared);
  EXPECT_EQ(catalog.current()->generation(), 2u);

  // Added file: a new version; the old one becomes history.
  Write("orders-2.yaml", SpecText("Orders", "2.0.0", "  /v2/orders: {get: {}}\n"));
  EXPECT_TRUE(catalog.ReloadIfChanged());
  specs = catalog.current()->ForService("orders");
  EXPECT_EQ(specs->Classify("GET", "/orders").state, DeclaredState::kRemoved);
  EXPECT_EQ(specs->Classify("GET", "/v2/orders").state, DeclaredState::kDeclared);

  // Removed file.
  fs::remove(dir_ / "orders-2.yaml");
  EXPECT_TRUE(catalog.ReloadIfChanged());
  specs = catalog.current()->ForService("orders");
  EXPECT_EQ(specs->Classify("GET", "/orders").state, DeclaredState::kDeclared);
  EXPECT_EQ(catalog.current()->specs().size(), 1u);
  EXPECT_FALSE(catalog.ReloadIfChanged());
}

TEST_F(TempDir, InvalidEditKeepsThePreviousVersionAndReportsIt) {
  Write("api.yaml", SpecText("Api", "1.0.0", "  /a: {get: {}}\n"));
  SpecCatalog catalog({{"api", dir_ / "api.yaml"}});
  ASSERT_TRUE(catalog.ReloadIfChanged());
  const auto before = catalog.current()->ForService("api");

  Write("api.yaml", "openapi: 3.0.3\npaths:\n  /a: {get: {}\n");  // unclosed
  EXPECT_TRUE(catalog.ReloadIfChanged());
  const auto set = catalog.current();
  ASSERT_EQ(set->errors().size(), 1u);
  EXPECT_EQ(set->errors()[0],
            Path("api.yaml") +
                ": line 4, column 1: end of map flow not found (still using the version loaded "
                "before)");
  const auto kept = set->ForService("api");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->Classify("GET", "/a").state, DeclaredState::kDeclared);
  EXPECT_EQ(catalog.stats().parse_failures, 1u);
  // The same bad file is not parsed again on every pass.
  EXPECT_FALSE(catalog.ReloadIfChanged());
  EXPECT_EQ(catalog.stats().files_parsed, 2u);

  // Fixed: the error goes away and the new content is used.
  Write("api.yaml", SpecText("Api", "1.0.1", "  /b: {get: {}}\n"));
  EXPECT_TRUE(catalog.ReloadIfChanged());
  EXPECT_TRUE(catalog.errors().empty());
  EXPECT_EQ(catalog.current()->ForService("api")->Classify("GET", "/b").state,
            DeclaredState::kDeclared);
  // Earlier snapshots stay usable by whoever still holds them.
  EXPECT_EQ(before->Classify("GET", "/a").state, DeclaredState::kDeclared);
}

TEST_F(TempDir, InvalidNewFileAndVanishedExplicitFile) {
  Write("broken.yaml", "swagger: '2.0'\npaths: [\n");
  SpecCatalog catalog({{"", dir_ / "broken.yaml"}, {"", dir_ / "later.yaml"}});
  ASSERT_TRUE(catalog.ReloadIfChanged());
  ASSERT_EQ(catalog.errors().size(), 2u);
  EXPECT_EQ(catalog.errors()[0].find(Path("broken.yaml") + ": line "), 0u);
  EXPECT_EQ(catalog.errors()[0].find("still using"), std::string::npos);  // nothing to keep
  EXPECT_EQ(catalog.errors()[1], Path("later.yaml") + ": cannot read: No such file or directory");
  EXPECT_TRUE(catalog.current()->empty());

  Write("later.yaml", SpecText("Later", "1", "  /l: {get: {}}\n", "https://api.example.com:8443"));
  EXPECT_TRUE(catalog.ReloadIfChanged());
  EXPECT_EQ(catalog.errors().size(), 1u);
  ASSERT_NE(catalog.current()->ForPort(8443), nullptr);
  ASSERT_NE(catalog.current()->ForHost("api.example.com"), nullptr);

  // An explicitly named file that disappears keeps its last version, with the error.
  fs::remove(dir_ / "later.yaml");
  EXPECT_TRUE(catalog.ReloadIfChanged());
  EXPECT_NE(catalog.current()->ForPort(8443), nullptr);
  EXPECT_EQ(catalog.errors().size(), 2u);
  EXPECT_NE(catalog.errors()[1].find("(still using the version loaded before)"), std::string::npos);
}

TEST_F(TempDir, UnlistableDirectoryAndFileCap) {
  SpecCatalog missing({{"x", dir_ / "nope"}});
  EXPECT_TRUE(missing.ReloadIfChanged());
  ASSERT_EQ(missing.errors().size(), 1u);
  EXPECT_EQ(missing.errors()[0], Path("nope") + ": cannot read: No such file or directory");

  for (int i = 0; i < 5; ++i) {
    Write("s" + std::to_string(i) + ".json",
          R"({"openapi": "3.0.0", "info": {"title": "S", "version": ")" + std::to_string(i) +
              R"("}, "paths": {"/s": {"get": {}}}})");
  }
  CatalogLimits limits;
  limits.max_files = 3;
  SpecCatalog capped({{"s", dir_}}, limits);
  EXPECT_TRUE(capped.ReloadIfChanged());
  EXPECT_EQ(capped.current()->specs().size(), 3u);
  EXPECT_EQ(capped.stats().files_over_cap, 2u);
  ASSERT_EQ(capped.errors().size(), 1u);
  EXPECT_EQ(capped.errors()[0], dir_.string() + ": more than 3 spec files: 2 ignored");
}

TEST_F(TempDir, PortBindingNeedsAnExplicitPortOrALocalHost) {
  Write("local.yaml", SpecText("Local", "1", "  /l: {get: {}}\n", "http://localhost/api"));
  Write("internal.yaml", SpecText("Internal", "1", "  /i: {get: {}}\n", "http://orders.svc:8080"));
  Write("remote.yaml", SpecText("Remote", "1", "  /r: {get: {}}\n", "https://api.remote.com"));
  Write("relative.yaml", SpecText("Relative", "1", "  /x: {get: {}}\n", "/x"));
  SpecCatalog catalog({{"", dir_}});
  ASSERT_TRUE(catalog.ReloadIfChanged());
  const auto set = catalog.current();
  ASSERT_NE(set->ForPort(80), nullptr);
  EXPECT_EQ(set->ForPort(80)->Sources(), std::vector<std::string>{Path("local.yaml")});
  ASSERT_NE(set->ForPort(8080), nullptr);
  EXPECT_EQ(set->ForPort(8080)->Sources(), std::vector<std::string>{Path("internal.yaml")});
  EXPECT_EQ(set->ForPort(443), nullptr);
  ASSERT_NE(set->ForHost("api.remote.com"), nullptr);
  ASSERT_NE(set->ForHost("orders.svc"), nullptr);
  EXPECT_EQ(set->specs().size(), 4u);  // the relative one is loaded, for SERVICE= or status
}

TEST_F(TempDir, UnboundSpecsWithDifferentTitlesShareAPort) {
  Write("a.yaml", SpecText("Alpha", "5.0", "  /a: {get: {}}\n", "http://127.0.0.1:9000/"));
  Write("b.yaml", SpecText("Beta", "1.0", "  /b: {get: {}}\n", "http://127.0.0.1:9000/"));
  SpecCatalog catalog({{"", dir_}});
  ASSERT_TRUE(catalog.ReloadIfChanged());
  const auto port = catalog.current()->ForPort(9000);
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->Classify("GET", "/a").state, DeclaredState::kDeclared);
  EXPECT_EQ(port->Classify("GET", "/b").state, DeclaredState::kDeclared);
}

}  // namespace
}  // namespace apisensor::openapi
