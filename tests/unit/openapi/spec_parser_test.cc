#include "agent/openapi/spec_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/openapi/spec_test_support.h"

namespace apisensor::openapi {
namespace {

using Strings = std::vector<std::string>;

std::string ErrorOf(std::string_view text, const std::string& source = "specs/x.yaml",
                    const SpecLimits& limits = {}) {
  try {
    ParseSpec(text, source, limits);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "no error";
}

// --- Real public specs (tests/unit/openapi/specs/README.md) ---

TEST(SpecParser, Petstore30) {
  const Spec spec = LoadSpecFile(SpecPath("petstore.yaml"));
  EXPECT_EQ(spec.source, SpecPath("petstore.yaml").string());
  EXPECT_EQ(spec.format, SpecFormat::kOpenApi30);
  EXPECT_EQ(spec.format_version, "3.0.0");
  EXPECT_EQ(spec.title, "Swagger Petstore");
  EXPECT_EQ(spec.version, "1.0.0");
  ASSERT_EQ(spec.servers.size(), 1u);
  const ServerAddress& server = spec.servers[0];
  EXPECT_EQ(server.url, "http://petstore.swagger.io/v1");
  EXPECT_EQ(server.scheme, "http");
  EXPECT_EQ(server.host, "petstore.swagger.io");
  EXPECT_EQ(server.port, 80);
  EXPECT_FALSE(server.port_explicit);
  EXPECT_EQ(server.base_path, "/v1");

  ASSERT_EQ(spec.operations.size(), 3u);
  const Operation& list = spec.operations[0];
  EXPECT_EQ(list.method, "GET");
  EXPECT_EQ(list.path, "/pets");
  EXPECT_EQ(list.template_path, "/v1/pets");
  EXPECT_EQ(list.operation_id, "listPets");
  EXPECT_EQ(list.query_params, Strings{"limit"});
  EXPECT_FALSE(list.secured);
  EXPECT_EQ(list.security_source, SecuritySource::kNone);
  EXPECT_EQ(spec.operations[1].method, "POST");
  EXPECT_EQ(spec.operations[1].operation_id, "createPets");
  const Operation& show = spec.operations[2];
  EXPECT_EQ(show.method, "GET");
  EXPECT_EQ(show.template_path, "/v1/pets/{petId}");
  EXPECT_EQ(show.path_params, Strings{"petId"});
  EXPECT_TRUE(show.query_params.empty());
  EXPECT_TRUE(spec.warnings.empty()) << spec.warnings.front();
  // Schemas, responses and descriptions were never stored.
  EXPECT_LT(spec.stats.yaml_nodes_kept, 80u);
}

TEST(SpecParser, Swagger20PetstoreExpanded) {
  const Spec spec = LoadSpecFile(SpecPath("petstore-expanded-swagger2.yaml"));
  EXPECT_EQ(spec.format, SpecFormat::kSwagger20);
  EXPECT_EQ(spec.format_version, "2.0");
  EXPECT_EQ(spec.title, "Swagger Petstore");
  ASSERT_EQ(spec.servers.size(), 1u);
  EXPECT_EQ(spec.servers[0].url, "http://petstore.swagger.io/api");
  EXPECT_EQ(spec.servers[0].host, "petstore.swagger.io");
  EXPECT_EQ(spec.servers[0].port, 80);
  EXPECT_EQ(spec.servers[0].base_path, "/api");
  ASSERT_EQ(spec.operations.size(), 4u);
  std::vector<std::string> seen;
  for (const Operation& op : spec.operations) seen.push_back(op.method + " " + op.template_path);
  EXPECT_EQ(seen, (Strings{"GET /api/pets", "POST /api/pets", "GET /api/pets/{id}",
                           "DELETE /api/pets/{id}"}));
  const Operation* find = FindOperation(spec, "GET", "/pets");
  ASSERT_NE(find, nullptr);
  EXPECT_EQ(find->query_params, (Strings{"tags", "limit"}));
  // A body parameter is neither path nor query.
  EXPECT_TRUE(FindOperation(spec, "POST", "/pets")->query_params.empty());
  EXPECT_EQ(FindOperation(spec, "DELETE", "/pets/{id}")->operation_id, "deletePet");
}

TEST(SpecParser, Swagger20Json) {
  const Spec spec = LoadSpecFile(SpecPath("petstore-swagger2.json"));
  EXPECT_EQ(spec.format, SpecFormat::kSwagger20);
  EXPECT_EQ(spec.version, "1.0.0");
  ASSERT_EQ(spec.operations.size(), 1u);
  EXPECT_EQ(spec.operations[0].method, "GET");
  EXPECT_EQ(spec.operations[0].template_path, "/api/pets");
  EXPECT_EQ(spec.operations[0].operation_id, "");
}

TEST(SpecParser, UsptoServerVariablesAndRootPath) {
  const Spec spec = LoadSpecFile(SpecPath("uspto.yaml"));
  ASSERT_EQ(spec.servers.size(), 1u);
  EXPECT_EQ(spec.servers[0].url, "https://developer.uspto.gov/ds-api");
  EXPECT_EQ(spec.servers[0].port, 443);
  EXPECT_EQ(spec.servers[0].base_path, "/ds-api");
  ASSERT_EQ(spec.operations.size(), 3u);
  EXPECT_EQ(spec.operations[0].template_path, "/ds-api/");
  EXPECT_EQ(spec.operations[1].template_path, "/ds-api/{dataset}/{version}/fields");
  EXPECT_EQ(spec.operations[1].path_params, (Strings{"dataset", "version"}));
  EXPECT_EQ(spec.operations[2].method, "POST");
}

// --- Own specs for the harder cases ---

TEST(SpecParser, OpenApi31ServersSecurityAndParameters) {
  const Spec spec = LoadSpecFile(SpecPath("orders-v2.yaml"));
  EXPECT_EQ(spec.format, SpecFormat::kOpenApi31);
  EXPECT_EQ(spec.version, "2.0.0");
  ASSERT_EQ(spec.servers.size(), 2u);
  EXPECT_EQ(spec.servers[0].url, "http://orders.internal:8080/v2");
  EXPECT_EQ(spec.servers[0].host, "orders.internal");
  EXPECT_EQ(spec.servers[0].port, 8080);
  EXPECT_TRUE(spec.servers[0].port_explicit);
  EXPECT_EQ(spec.servers[0].base_path, "/v2");
  EXPECT_EQ(spec.servers[1].host, "");  // relative
  EXPECT_EQ(spec.servers[1].port, 0);
  EXPECT_EQ(spec.servers[1].base_path, "/api/v2");
  EXPECT_EQ(spec.operations.size(), 10u);

  const Operation* list = FindOperation(spec, "GET", "/orders");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->template_path, "/v2/orders");
  EXPECT_EQ(list->base_paths, (Strings{"/v2", "/api/v2"}));
  // $ref to components (one through a second $ref) and an inline parameter.
  EXPECT_EQ(list->query_params, (Strings{"page", "limit", "status"}));
  EXPECT_TRUE(list->secured);
  EXPECT_EQ(list->security_source, SecuritySource::kDocument);
  EXPECT_EQ(list->security_schemes, Strings{"bearerAuth"});

  // Path-item parameters apply to every operation of the item.
  const Operation* get = FindOperation(spec, "GET", "/orders/{orderId}");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->path_params, Strings{"orderId"});
  EXPECT_EQ(get->query_params, Strings{"fields"});
  // Operation security overrides the document's: either scheme.
  EXPECT_EQ(get->security_source, SecuritySource::kOperation);
  EXPECT_EQ(get->security, (SecurityRequirement{{"apiKey"}, {"bearerAuth"}}));
  EXPECT_TRUE(get->secured);
  EXPECT_EQ(FindOperation(spec, "DELETE", "/orders/{orderId}")->query_params, Strings{"fields"});
  EXPECT_TRUE(FindOperation(spec, "DELETE", "/orders/{orderId}")->deprecated);
  EXPECT_FALSE(get->deprecated);

  // `security: []` means no authentication; `{}` among the alternatives means optional.
  const Operation* health = FindOperation(spec, "GET", "/health");
  ASSERT_NE(health, nullptr);
  EXPECT_EQ(health->security_source, SecuritySource::kOperation);
  EXPECT_TRUE(health->security.empty());
  EXPECT_FALSE(health->secured);
  // Operation-level servers replace the base paths.
  EXPECT_EQ(health->base_paths, Strings{""});
  EXPECT_EQ(health->template_path, "/health");
  const Operation* catalog = FindOperation(spec, "GET", "/catalog");
  EXPECT_FALSE(catalog->secured);
  EXPECT_EQ(catalog->security_schemes, Strings{"apiKey"});
  // Schemes required together.
  const Operation* reindex = FindOperation(spec, "POST", "/admin/reindex");
  EXPECT_EQ(reindex->security, (SecurityRequirement{{"mtls", "adminOAuth"}}));
  EXPECT_TRUE(reindex->secured);

  EXPECT_EQ(FindOperation(spec, "GET", "/orders/{orderId}/invoice.{format}")->path_params,
            (Strings{"orderId", "format"}));
  EXPECT_TRUE(spec.warnings.empty()) << spec.warnings.front();
}

TEST(SpecParser, SecuritySchemes) {
  const Spec spec = LoadSpecFile(SpecPath("orders-v2.yaml"));
  ASSERT_EQ(spec.security_schemes.size(), 6u);
  const SecurityScheme* bearer = spec.FindSecurityScheme("bearerAuth");
  ASSERT_NE(bearer, nullptr);
  EXPECT_EQ(bearer->type, SecuritySchemeType::kHttp);
  EXPECT_EQ(bearer->scheme, "bearer");  // "Bearer" in the document: lower-cased
  const SecurityScheme* key = spec.FindSecurityScheme("apiKey");
  EXPECT_EQ(key->type, SecuritySchemeType::kApiKey);
  EXPECT_EQ(key->in, ApiKeyLocation::kHeader);
  EXPECT_EQ(key->key_name, "X-API-Key");
  const SecurityScheme* cookie = spec.FindSecurityScheme("sessionCookie");
  EXPECT_EQ(cookie->in, ApiKeyLocation::kCookie);
  EXPECT_EQ(cookie->key_name, "sid");
  EXPECT_EQ(spec.FindSecurityScheme("adminOAuth")->type, SecuritySchemeType::kOAuth2);
  EXPECT_EQ(spec.FindSecurityScheme("oidc")->type, SecuritySchemeType::kOpenIdConnect);
  EXPECT_EQ(spec.FindSecurityScheme("mtls")->type, SecuritySchemeType::kMutualTls);
  EXPECT_EQ(SecuritySchemeTypeName(SecuritySchemeType::kMutualTls), "mutualTLS");
  EXPECT_EQ(spec.FindSecurityScheme("nope"), nullptr);

  const Spec v1 = LoadSpecFile(SpecPath("orders-v1.yaml"));
  EXPECT_EQ(v1.FindSecurityScheme("bearerAuth")->bearer_format, "JWT");
}

TEST(SpecParser, Swagger20SecurityHostPortAndSchemes) {
  const Spec spec = LoadSpecFile(SpecPath("shop-swagger2.json"));
  EXPECT_EQ(spec.version, "3.2");
  ASSERT_EQ(spec.servers.size(), 2u);
  EXPECT_EQ(spec.servers[0].url, "https://Shop.Example.com:8443/shop");
  EXPECT_EQ(spec.servers[0].host, "shop.example.com");
  EXPECT_EQ(spec.servers[0].port, 8443);
  EXPECT_EQ(spec.servers[1].scheme, "http");
  EXPECT_EQ(spec.servers[1].port, 8443);  // explicit in host, whatever the scheme
  EXPECT_EQ(spec.servers[0].base_path, "/shop");

  const SecurityScheme* basic = spec.FindSecurityScheme("basicAuth");
  EXPECT_EQ(basic->type, SecuritySchemeType::kHttp);
  EXPECT_EQ(basic->scheme, "basic");
  EXPECT_EQ(spec.FindSecurityScheme("queryKey")->in, ApiKeyLocation::kQuery);
  EXPECT_EQ(spec.FindSecurityScheme("queryKey")->key_name, "api_key");
  EXPECT_EQ(spec.FindSecurityScheme("oauth")->type, SecuritySchemeType::kOAuth2);

  const Operation* search = FindOperation(spec, "GET", "/items");
  EXPECT_EQ(search->template_path, "/shop/items");
  EXPECT_EQ(search->query_params, (Strings{"q", "limit"}));  // '#/parameters/q'
  EXPECT_EQ(search->security, (SecurityRequirement{{"queryKey"}, {"oauth"}}));
  const Operation* item = FindOperation(spec, "GET", "/items/{itemId}");
  EXPECT_EQ(item->security_source, SecuritySource::kDocument);
  EXPECT_EQ(item->security_schemes, Strings{"basicAuth"});
  EXPECT_TRUE(FindOperation(spec, "PUT", "/items/{itemId}")->deprecated);
  const Operation* status = FindOperation(spec, "GET", "/status");
  EXPECT_FALSE(status->secured);
  EXPECT_EQ(status->security_source, SecuritySource::kOperation);
}

TEST(SpecParser, DefaultServerAndRelativeUrls) {
  const Spec none = ParseSpec(
      "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
      "  /a: {get: {}}\n",
      "t");
  ASSERT_EQ(none.servers.size(), 1u);
  EXPECT_EQ(none.servers[0].url, "/");
  EXPECT_EQ(none.servers[0].base_path, "");
  EXPECT_EQ(none.operations[0].template_path, "/a");

  const Spec swagger = ParseSpec(
      "swagger: '2.0'\ninfo: {title: t, version: '1'}\n"
      "basePath: /\npaths:\n  /a: {get: {}}\n",
      "t");
  ASSERT_EQ(swagger.servers.size(), 1u);
  EXPECT_EQ(swagger.servers[0].host, "");
  EXPECT_EQ(swagger.servers[0].port, 0);
  EXPECT_EQ(swagger.operations[0].template_path, "/a");
}

TEST(SpecParser, PathItemRefAndLocalRefsOnly) {
  const Spec spec = ParseSpec(R"(openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    $ref: '#/components/pathItems/shared'
  /b:
    get:
      parameters:
        - $ref: 'common.yaml#/components/parameters/x'
        - $ref: '#/components/parameters/missing'
        - $ref: '#/components/parameters/loop'
        - {name: kept, in: query}
components:
  pathItems:
    shared:
      get: {operationId: sharedGet}
      delete: {}
  parameters:
    loop: {$ref: '#/components/parameters/loop'}
)",
                              "t");
  ASSERT_EQ(spec.operations.size(), 3u);
  EXPECT_EQ(spec.operations[0].path, "/a");
  EXPECT_EQ(spec.operations[0].operation_id, "sharedGet");
  EXPECT_EQ(spec.operations[1].method, "DELETE");
  EXPECT_EQ(spec.operations[2].query_params, Strings{"kept"});
  EXPECT_EQ(spec.stats.refs_not_followed, 1u);
  EXPECT_EQ(spec.stats.refs_unresolved, 2u);  // the dangling one and the cycle
  EXPECT_EQ(spec.warnings.size(), 3u);
}

TEST(SpecParser, SmallProblemsAreWarningsNotErrors) {
  const Spec spec = ParseSpec(R"(openapi: 3.0.0
info: {title: t, version: '1'}
security: [{undefinedScheme: []}]
paths:
  pets: {get: {}}
  /bad/{unclosed: {get: {}}
  /ok:
    get: 42
    post: {}
  /x/{a}: {get: {}}
  /x/{b}/: {get: {}}
  x-extension: {anything: 1}
)",
                              "specs/p.yaml");
  ASSERT_EQ(spec.operations.size(), 2u);
  EXPECT_EQ(spec.operations[0].method, "POST");
  EXPECT_EQ(spec.operations[1].path, "/x/{a}");
  EXPECT_EQ(spec.stats.invalid_paths, 2u);
  EXPECT_EQ(spec.stats.duplicate_operations, 1u);
  ASSERT_EQ(spec.warnings.size(), 5u);
  EXPECT_EQ(spec.warnings[0], "specs/p.yaml: line 5: path 'pets' does not start with '/': ignored");
  EXPECT_EQ(spec.warnings[1],
            "specs/p.yaml: line 6: path '/bad/{unclosed' is not a valid template ('{' without "
            "'}'): ignored");
  EXPECT_EQ(spec.warnings[2], "specs/p.yaml: line 8: GET /ok is not a mapping: ignored");
  EXPECT_NE(spec.warnings[3].find("GET /x/{b}/ is declared twice"), std::string::npos);
  EXPECT_EQ(spec.warnings[4],
            "specs/p.yaml: security scheme 'undefinedScheme' is required but not defined");
}

TEST(SpecParser, OperationCapIsCounted) {
  std::string text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n";
  for (int i = 0; i < 50; ++i) text += "  /p" + std::to_string(i) + ": {get: {}, post: {}}\n";
  SpecLimits limits;
  limits.max_operations = 30;
  const Spec spec = ParseSpec(text, "t", limits);
  EXPECT_EQ(spec.operations.size(), 30u);
  EXPECT_EQ(spec.stats.operations_over_cap, 70u);
  ASSERT_EQ(spec.warnings.size(), 1u);
  EXPECT_NE(spec.warnings[0].find("more than 30 operations"), std::string::npos);
}

TEST(SpecParser, AliasedPathItemsAreBoundedByTheCaps) {
  // Thousands of paths sharing one path item with a long parameter list through aliases.
  std::string text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\nx-params: &params [";
  for (int i = 0; i < 300; ++i) text += "{name: q" + std::to_string(i) + ", in: query},";
  text += "]\nx-item: &item {get: {parameters: *params}, put: {parameters: *params}}\npaths:\n";
  for (int i = 0; i < 3000; ++i) text += "  /p" + std::to_string(i) + ": *item\n";
  SpecLimits limits;
  limits.max_operations = 1000;
  const Spec spec = ParseSpec(text, "t", limits);
  EXPECT_EQ(spec.operations.size(), 1000u);
  EXPECT_EQ(spec.operations[0].query_params.size(), 256u);
  EXPECT_GT(spec.stats.parameters_over_cap, 0u);
  EXPECT_GT(spec.stats.operations_over_cap, 0u);
}

// --- Errors: one sentence naming the file and the problem ---

TEST(SpecParser, ErrorMessages) {
  EXPECT_EQ(ErrorOf(""), "specs/x.yaml: empty document");
  EXPECT_EQ(ErrorOf("just a string"),
            "specs/x.yaml: line 1: not an OpenAPI or Swagger document (the top level is not a "
            "mapping)");
  EXPECT_EQ(ErrorOf("services:\n  web: {image: nginx}\n"),
            "specs/x.yaml: not an OpenAPI or Swagger document (no 'openapi' or 'swagger' key)");
  EXPECT_EQ(ErrorOf("openapi: 4.0.0\npaths: {}\n"),
            "specs/x.yaml: line 1: unsupported OpenAPI version '4.0.0' (supported: 3.0.x, 3.1.x "
            "and Swagger 2.0)");
  EXPECT_EQ(ErrorOf("openapi: 3.01\n"),
            "specs/x.yaml: line 1: unsupported OpenAPI version '3.01' (supported: 3.0.x, 3.1.x "
            "and Swagger 2.0)");
  EXPECT_EQ(ErrorOf("openapi: 3.0.0\ninfo: [a]\n"),
            "specs/x.yaml: line 2: 'info' is not a mapping");
  EXPECT_EQ(ErrorOf("openapi: 3.0.0\ncomponents: 5\n"),
            "specs/x.yaml: line 2: 'components' is not a mapping");
  // Not JSON, nor flow-style YAML either: the JSON error is reported.
  EXPECT_EQ(ErrorOf("{\"openapi\": \"3.0.0\",\n \"paths\": {\"/a\": {} \"/b\": {}}\n}"),
            "specs/x.yaml: line 2, column 21: invalid JSON: Missing a comma or '}' after an "
            "object member");
}

TEST(SpecParser, ErrorFilesFromDisk) {
  auto error_of_file = [](std::string_view name) {
    try {
      LoadSpecFile(SpecPath(name));
    } catch (const SpecError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string dir = SpecsDir().string();
  EXPECT_EQ(error_of_file("bad/syntax-error.yaml"),
            dir + "/bad/syntax-error.yaml: line 9, column 3: end of map flow not found");
  EXPECT_EQ(error_of_file("bad/not-a-spec.yaml"),
            dir +
                "/bad/not-a-spec.yaml: not an OpenAPI or Swagger document (no 'openapi' or "
                "'swagger' key)");
  EXPECT_EQ(error_of_file("bad/unsupported-version.yaml"),
            dir +
                "/bad/unsupported-version.yaml: line 1: unsupported Swagger version '1.2' "
                "(supported: 3.0.x, 3.1.x and Swagger 2.0)");
  EXPECT_EQ(error_of_file("bad/paths-not-a-mapping.json"),
            dir + "/bad/paths-not-a-mapping.json: line 2: 'paths' is not a mapping");
  EXPECT_EQ(error_of_file("missing.yaml"),
            dir + "/missing.yaml: cannot read: No such file or directory");
  EXPECT_EQ(error_of_file("bad"), dir + "/bad: cannot read: not a regular file");
}

TEST(SpecParser, HostileDocumentsFailCleanly) {
  const std::string deep = "openapi: 3.0.0\nx: " + std::string(100000, '[');
  EXPECT_EQ(ErrorOf(deep), "specs/x.yaml: line 2, column 132: nesting deeper than 128 levels");
  std::string block = "openapi: 3.0.0\nx:\n";
  for (int i = 1; i < 200; ++i) block += std::string(static_cast<size_t>(i) * 2, ' ') + "k:\n";
  EXPECT_NE(ErrorOf(block).find("nesting deeper than 128 levels"), std::string::npos);
  std::string key_flow = "openapi: 3.0.0\n- [";
  for (int i = 0; i < 100000; ++i) key_flow += "{a: [b]},\n";
  EXPECT_NE(ErrorOf(key_flow).find("a flow collection of more than 262144 bytes"),
            std::string::npos);
  SpecLimits small;
  small.max_file_bytes = 10;
  const std::filesystem::path file = SpecPath("petstore.yaml");
  try {
    LoadSpecFile(file, small);
    FAIL() << "no error";
  } catch (const SpecError& e) {
    EXPECT_EQ(std::string(e.what()), file.string() + ": larger than 10 bytes");
  }
}

}  // namespace
}  // namespace apisensor::openapi
