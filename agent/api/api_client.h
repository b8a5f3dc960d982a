// The CLI side of the agent's HTTP API: `apisensor status`, `endpoints`, `openapi` and
// `findings` ask a running agent (or collector) and print a table or its JSON. Each
// returns the process exit code and prints one sentence on failure.
#pragma once

#include <optional>
#include <string>

namespace apisensor::api {

struct ClientOptions {
  std::string server = "127.0.0.1:9464";
  std::string token;  // sent as a bearer token when not empty
  bool json = false;
};

// The token from `file` when given, else $APISENSOR_API_TOKEN, else "". Throws
// std::runtime_error with one sentence when the file cannot be read or is empty.
std::string ReadApiToken(const std::string& file);

struct EndpointsCommand {
  std::optional<std::string> service;
  std::optional<std::string> state;  // --shadow sets "shadow"
};

// What a running agent probes (TLS libraries, or why not) and its counters, from GET /status.
int PrintStatus(const ClientOptions& client);

int PrintEndpoints(const ClientOptions& client, const EndpointsCommand& command);
// Writes the observed OpenAPI document of `service` to `output` ("-" for stdout).
int WriteOpenApi(const ClientOptions& client, const std::string& service,
                 const std::string& output);
int PrintFindings(const ClientOptions& client, const std::optional<std::string>& type,
                  const std::optional<std::string>& severity);

}  // namespace apisensor::api
