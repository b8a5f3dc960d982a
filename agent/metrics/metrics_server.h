// Serves the agent's counters as Prometheus text (GET /metrics), its status as JSON
// (GET /status: TLS libraries and counters) and a liveness probe (GET /healthz) on its own
// thread, for `apisensor run`.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "agent/metrics/counters.h"

namespace httplib {
class Server;
}

namespace apisensor::metrics {

class MetricsServer {
 public:
  // Binds `listen` ("host:port"); throws std::runtime_error with one sentence when it cannot.
  MetricsServer(const std::string& listen, const CounterBoard& board);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace apisensor::metrics
