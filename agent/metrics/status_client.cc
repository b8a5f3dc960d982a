#include "agent/metrics/status_client.h"

#include <httplib.h>
#include <rapidjson/document.h>

#include <cstdio>

namespace apisensor::metrics {

int PrintStatus(const std::string& server, bool json, const std::string& token) {
  httplib::Client client("http://" + server);
  client.set_connection_timeout(3);
  client.set_read_timeout(5);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  const httplib::Result result = client.Get("/status", headers);
  if (!result) {
    std::fprintf(stderr,
                 "apisensor: no agent answered at %s; start one with `apisensor run --listen %s`, "
                 "or give its address with --server.\n",
                 server.c_str(), server.c_str());
    return 1;
  }
  if (result->status == 401) {
    std::fprintf(stderr,
                 "apisensor: %s requires a token: pass it with --api-token-file or "
                 "APISENSOR_API_TOKEN.\n",
                 server.c_str());
    return 1;
  }
  if (result->status != 200) {
    std::fprintf(stderr, "apisensor: %s answered GET /status with HTTP %d: is it an apisensor?\n",
                 server.c_str(), result->status);
    return 1;
  }
  if (json) {
    std::printf("%s\n", result->body.c_str());
    return 0;
  }
  rapidjson::Document status;
  status.Parse(result->body.c_str(), result->body.size());
  if (status.HasParseError() || !status.IsObject() || !status.HasMember("tls_libraries") ||
      !status["tls_libraries"].IsArray() || !status.HasMember("counters") ||
      !status["counters"].IsObject()) {
    std::fprintf(stderr, "apisensor: %s answered /status with something that is not a status\n",
                 server.c_str());
    return 1;
  }
  std::printf("apisensor at %s\n\nTLS libraries:\n", server.c_str());
  const auto& libraries = status["tls_libraries"].GetArray();
  if (libraries.Empty()) std::printf("  none found\n");
  for (const auto& library : libraries) {
    const bool probed = library["probed"].GetBool();
    std::printf("  %-11s %s (%s): %s\n", probed ? "probed" : "not probed",
                library["path"].GetString(), library["found_as"].GetString(),
                probed ? library["probe_points"].GetString() : library["problem"].GetString());
  }
  std::printf("\nCounters:\n");
  for (const auto& counter : status["counters"].GetObject()) {
    std::printf("  %-36s %llu\n", counter.name.GetString(),
                static_cast<unsigned long long>(counter.value.GetUint64()));
  }
  return 0;
}

}  // namespace apisensor::metrics
