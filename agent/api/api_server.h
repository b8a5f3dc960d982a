// The agent's HTTP API, on its own thread: Prometheus metrics (GET /metrics), status (GET
// /status), liveness (GET /healthz), and the inventory: GET /v1/endpoints, /v1/endpoints/{id},
// /v1/services, /v1/openapi?service=, /v1/findings. Reads only published snapshots, so a query
// never waits on the capture path. Listens on loopback by default; bound elsewhere it demands a
// bearer token on everything but /healthz.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/findings/finding_log.h"
#include "agent/inventory/views.h"
#include "agent/metrics/counters.h"

namespace httplib {
class Server;
}

namespace apisensor::api {

// Hands the latest inventory view from the pipeline thread to the API threads.
class InventoryBoard {
 public:
  void Publish(std::shared_ptr<const inventory::InventoryView> view) {
    std::lock_guard lock(mu_);
    view_ = std::move(view);
  }
  std::shared_ptr<const inventory::InventoryView> Latest() const {
    std::lock_guard lock(mu_);
    return view_ ? view_ : std::make_shared<const inventory::InventoryView>();
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const inventory::InventoryView> view_;
};

struct ApiSources {
  const metrics::CounterBoard& counters;
  const InventoryBoard& inventory;
  const findings::FindingLog& findings;
  // When set (the collector), GET /v1/agents answers with what it returns (a JSON document).
  std::function<std::string()> agents_json = {};
};

class ApiServer {
 public:
  // Binds `listen` ("host:port"). `token` may be empty only on a loopback address. Throws
  // std::runtime_error with one sentence when it cannot serve.
  ApiServer(const std::string& listen, std::string token, ApiSources sources);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
};

}  // namespace apisensor::api
