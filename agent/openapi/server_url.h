// Server addresses of a spec: where it is served (host, port) and under which base path its
// paths sit. The host and port bind an unbound spec to a service; the base path is the prefix
// the matcher puts before every declared path.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/openapi/spec.h"

namespace apisensor::openapi {

// Replaces each `{name}` with its value from `variables` (a 3.x server's variable defaults);
// unknown names stay as they are, so a base path `/{tenant}` keeps matching like a template.
std::string SubstituteServerVariables(
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& variables);

// An OpenAPI 3.x server URL: absolute ("https://api.example.com:8443/v1"), scheme-relative
// ("//api.example.com/v1") or relative to wherever the document is served ("/v1", "v1", "/").
// Query and fragment are ignored.
ServerAddress ParseServerUrl(std::string_view url);

// A Swagger 2.0 location: one address per scheme (one without a scheme when none is listed).
// `host` may carry a port ("api.example.com:8080") or be empty (the document's own host).
std::vector<ServerAddress> Swagger2Servers(std::string_view host, std::string_view base_path,
                                           const std::vector<std::string>& schemes);

// "/v1/" → "/v1", "/" → "", "v1" → "/v1", "." → "", "" → "".
std::string NormalizeBasePath(std::string_view path);

// 80 for http and ws, 443 for https and wss, 0 otherwise (case-insensitive).
uint16_t DefaultPort(std::string_view scheme);

}  // namespace apisensor::openapi
