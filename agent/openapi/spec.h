// The declared side of an API, as read from one OpenAPI 3.0/3.1 or Swagger 2.0 document: what
// the inventory compares observed traffic with. Plain data, immutable once parsed; all strings
// are copies, so a Spec outlives the document text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::openapi {

// A document that cannot be used. what() is one sentence naming the file and the problem:
// "specs/x.yaml: line 12, column 3: end of map not found".
class SpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SpecFormat : uint8_t { kSwagger20, kOpenApi30, kOpenApi31 };
std::string_view SpecFormatName(SpecFormat format);  // "swagger-2.0", "openapi-3.0", "openapi-3.1"

// Swagger 2.0 `basic` is stored as kHttp with scheme "basic", so one vocabulary covers both.
enum class SecuritySchemeType : uint8_t {
  kHttp,
  kApiKey,
  kOAuth2,
  kOpenIdConnect,
  kMutualTls,
  kUnknown,
};
// "http", "apiKey", "oauth2", "openIdConnect", "mutualTLS", "unknown" (OpenAPI's spelling).
std::string_view SecuritySchemeTypeName(SecuritySchemeType type);

enum class ApiKeyLocation : uint8_t { kNone, kHeader, kQuery, kCookie };
std::string_view ApiKeyLocationName(ApiKeyLocation in);  // "", "header", "query", "cookie"

struct SecurityScheme {
  std::string name;  // its key in components.securitySchemes / securityDefinitions
  SecuritySchemeType type = SecuritySchemeType::kUnknown;
  std::string scheme;         // kHttp: "bearer", "basic", "digest", ... (lower-case)
  std::string bearer_format;  // kHttp bearer: "JWT" when declared
  ApiKeyLocation in = ApiKeyLocation::kNone;  // kApiKey only
  std::string key_name;                       // kApiKey: the header, query or cookie name
};

// Where an operation's security requirement comes from.
enum class SecuritySource : uint8_t {
  kNone,       // neither the operation nor the document declares `security`
  kDocument,   // inherited from the top-level `security`
  kOperation,  // the operation's own `security` (an explicit `[]` means no authentication)
};

// Alternatives (any one suffices) of sets of scheme names (all required together). An empty
// alternative `{}` means anonymous access is allowed.
using SecurityRequirement = std::vector<std::vector<std::string>>;

struct Operation {
  std::string method;  // upper-case: GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE
  std::string path;    // as declared under `paths`: "/pets/{petId}"
  // The endpoint path the inventory uses: the first base path + path ("/v1/pets/{petId}").
  std::string template_path;
  // Every base path the operation is served under ("" for none), first one in template_path.
  // Operation- or path-level `servers` (3.x) override the document's.
  std::vector<std::string> base_paths;
  std::string operation_id;
  bool deprecated = false;
  SecuritySource security_source = SecuritySource::kNone;
  SecurityRequirement security;  // the requirement in effect
  // True when every alternative of `security` names at least one scheme: no anonymous access.
  bool secured = false;
  std::vector<std::string> security_schemes;  // distinct names in `security`, in order
  std::vector<std::string> path_params;       // names in the template, in order
  std::vector<std::string> query_params;      // declared `in: query` (path-item level included)
};

struct ServerAddress {
  std::string url;     // after server-variable substitution
  std::string scheme;  // "http", "https", ... lower-case; "" when the URL is relative
  std::string host;    // lower-case, IPv6 without brackets; "" when relative
  uint16_t port = 0;   // explicit, else 80 (http, ws) or 443 (https, wss), else 0 (unknown)
  bool port_explicit = false;
  std::string base_path;  // "" or "/v1": leading slash, no trailing slash
};

// Overflows and skipped items met while reading one document.
struct SpecReadStats {
  uint64_t operations_over_cap = 0;
  uint64_t parameters_over_cap = 0;
  uint64_t security_entries_over_cap = 0;
  uint64_t servers_over_cap = 0;
  uint64_t refs_not_followed = 0;  // remote or unsupported $ref
  uint64_t refs_unresolved = 0;    // local $ref to nothing, or a $ref cycle
  uint64_t invalid_paths = 0;      // path keys that are not valid templates
  uint64_t duplicate_operations = 0;
  uint64_t warnings_dropped = 0;
  uint64_t yaml_nodes_kept = 0;  // size of the pruned document tree
};

struct Spec {
  std::string source;  // file path, or the caller's name for text
  SpecFormat format = SpecFormat::kOpenApi30;
  std::string format_version;  // value of `openapi` / `swagger`: "3.0.3", "2.0"
  std::string title;           // info.title
  std::string version;         // info.version
  // Never empty: a 3.x document without servers has "/", a 2.0 one its basePath.
  std::vector<ServerAddress> servers;
  std::vector<SecurityScheme> security_schemes;
  SecurityRequirement security;  // document-level requirement
  bool has_security = false;     // the document declares a top-level `security`
  std::vector<Operation> operations;
  std::vector<std::string> warnings;  // non-fatal problems, one sentence each, capped
  SpecReadStats stats;

  const SecurityScheme* FindSecurityScheme(std::string_view name) const;
};

}  // namespace apisensor::openapi
