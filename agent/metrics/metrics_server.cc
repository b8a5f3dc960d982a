#include "agent/metrics/metrics_server.h"

#include <httplib.h>

#include <stdexcept>

namespace apisensor::metrics {

MetricsServer::MetricsServer(const std::string& listen, const CounterBoard& board)
    : server_(std::make_unique<httplib::Server>()) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (colon == std::string::npos || port <= 0 || port > 65535) {
    throw std::runtime_error("--listen must be host:port (for example 127.0.0.1:9464), not '" +
                             listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);

  server_->Get("/metrics", [&board](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderPrometheus(board.Snapshot()), "text/plain; version=0.0.4");
  });
  server_->Get("/status", [&board](const httplib::Request&, httplib::Response& res) {
    res.set_content(board.StatusJson(), "application/json");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  if (!server_->bind_to_port(host, port)) {
    throw std::runtime_error("cannot listen on " + listen +
                             " for metrics: the port is in use or the address is not local; "
                             "choose another with --listen.");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace apisensor::metrics
