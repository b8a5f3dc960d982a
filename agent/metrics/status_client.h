// `apisensor status`: asks a running agent (`apisensor run --listen ADDR`) for GET /status and
// prints it for a person (what TLS libraries are probed, or why not; the counters) or as JSON.
#pragma once

#include <string>

namespace apisensor::metrics {

// Returns the process exit code; prints one sentence to stderr when the agent cannot be reached.
int PrintStatus(const std::string& server, bool json, const std::string& token = "");

}  // namespace apisensor::metrics
