#include "agent/api/api_server.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>

#include "agent/api/endpoint_query.h"
#include "agent/api/inventory_json.h"
#include "agent/api/openapi_document.h"
#include "agent/text/host_port.h"

namespace apisensor::api {
namespace {

void SendJson(httplib::Response& res, const rapidjson::StringBuffer& buffer) {
  res.set_content(std::string(buffer.GetString(), buffer.GetSize()), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("error");
  WriteString(w, message);
  w.EndObject();
  res.status = status;
  SendJson(res, buffer);
}

bool TokenMatches(const std::string& header, const std::string& token) {
  static constexpr std::string_view kPrefix = "Bearer ";
  if (header.size() != kPrefix.size() + token.size() || !header.starts_with(kPrefix)) return false;
  // Constant time: the comparison must not tell an attacker how much of a guess was right.
  return CRYPTO_memcmp(header.data() + kPrefix.size(), token.data(), token.size()) == 0;
}

void ServeEndpoints(const InventoryBoard& board, const httplib::Request& req,
                    httplib::Response& res) {
  EndpointQuery query;
  if (std::optional<std::string> error = ParseEndpointQuery(req.params, query)) {
    SendError(res, 400, *error);
    return;
  }
  const auto view = board.Latest();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("endpoints");
  w.StartArray();
  size_t matched = 0;
  for (const auto& e : view->endpoints) {
    if (!Matches(query, *e)) continue;
    if (matched >= query.offset && matched - query.offset < query.limit) {
      WriteEndpoint(w, *e, false);
    }
    ++matched;
  }
  w.EndArray();
  w.Key("total");
  w.Uint64(matched);
  w.Key("offset");
  w.Uint64(query.offset);
  w.Key("next_offset");
  if (query.offset + query.limit < matched) {
    w.Uint64(query.offset + query.limit);
  } else {
    w.Null();
  }
  w.Key("published");
  WriteTime(w, view->published_ns);
  w.EndObject();
  SendJson(res, buffer);
}

void ServeEndpoint(const InventoryBoard& board, const httplib::Request& req,
                   httplib::Response& res) {
  const std::string id = req.matches[1];
  const auto view = board.Latest();
  for (const auto& e : view->endpoints) {
    if (e->id != id) continue;
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    WriteEndpoint(w, *e, true);
    SendJson(res, buffer);
    return;
  }
  SendError(res, 404, "no endpoint with id " + id);
}

void ServeServices(const InventoryBoard& board, httplib::Response& res) {
  const auto view = board.Latest();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("services");
  w.StartArray();
  for (const inventory::ServiceView& s : view->services) WriteService(w, s);
  w.EndArray();
  w.Key("inventory");
  w.StartObject();
  const inventory::InventoryStats& st = view->stats;
  for (auto [name, value] : {std::pair{"exchanges_observed", st.exchanges_observed},
                             {"exchanges_unattributed", st.exchanges_unattributed},
                             {"services_dropped", st.services_dropped},
                             {"endpoints_dropped", st.endpoints_dropped},
                             {"endpoints_rekeyed", st.endpoints_rekeyed},
                             {"memory_bytes", view->memory_bytes}}) {
    w.Key(name);
    w.Uint64(value);
  }
  w.EndObject();
  w.EndObject();
  SendJson(res, buffer);
}

void ServeFindings(const findings::FindingLog& log, const httplib::Request& req,
                   httplib::Response& res) {
  const std::string type = req.get_param_value("type");
  const std::string severity = req.get_param_value("severity");
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("findings");
  w.StartArray();
  for (const findings::Finding& f : log.All()) {
    if (!type.empty() && f.type != type) continue;
    if (!severity.empty() && findings::SeverityName(f.severity) != severity) continue;
    WriteFinding(w, f);
  }
  w.EndArray();
  w.Key("dropped");
  w.Uint64(log.dropped());
  w.EndObject();
  SendJson(res, buffer);
}

}  // namespace

ApiServer::ApiServer(const std::string& listen, std::string token, ApiSources sources)
    : server_(std::make_unique<httplib::Server>()) {
  const std::optional<text::HostPortParts> split = text::SplitHostPort(listen);
  const std::optional<uint16_t> port = split ? text::ParsePort(split->port) : std::nullopt;
  if (!port || split->host.empty()) {
    throw std::runtime_error(
        "--listen must be host:port (for example 127.0.0.1:9464, or [::1]:9464), not '" + listen +
        "'");
  }
  const std::string host(split->host);
  if (token.empty() && !text::IsLoopbackHost(host)) {
    throw std::runtime_error("--listen " + listen +
                             " exposes the inventory beyond this host: give a token with "
                             "--api-token-file (clients send it as 'Authorization: Bearer'), or "
                             "listen on 127.0.0.1.");
  }
  if (!token.empty()) {
    server_->set_pre_routing_handler(
        [token = std::move(token)](const httplib::Request& req, httplib::Response& res) {
          if (req.path == "/healthz") return httplib::Server::HandlerResponse::Unhandled;
          if (TokenMatches(req.get_header_value("Authorization"), token)) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          SendError(res, 401, "this agent requires 'Authorization: Bearer <token>'");
          return httplib::Server::HandlerResponse::Handled;
        });
  }
  const metrics::CounterBoard& counters = sources.counters;
  const InventoryBoard& inventory = sources.inventory;
  const findings::FindingLog& findings = sources.findings;
  server_->Get("/metrics", [&counters](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics::RenderPrometheus(counters.Snapshot()), "text/plain; version=0.0.4");
  });
  server_->Get("/status", [&counters](const httplib::Request&, httplib::Response& res) {
    res.set_content(counters.StatusJson(), "application/json");
  });
  // Liveness: a process whose main loop stopped is restarted rather than left serving stale data.
  server_->Get("/healthz", [&counters](const httplib::Request&, httplib::Response& res) {
    const std::string stall = counters.StallReport();
    if (stall.empty()) {
      res.set_content("ok\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("stalled: " + stall + "\n", "text/plain");
    }
  });
  server_->Get("/v1/endpoints", [&inventory](const httplib::Request& req, httplib::Response& res) {
    ServeEndpoints(inventory, req, res);
  });
  server_->Get(R"(/v1/endpoints/([0-9a-f]{16}))",
               [&inventory](const httplib::Request& req, httplib::Response& res) {
                 ServeEndpoint(inventory, req, res);
               });
  server_->Get("/v1/services", [&inventory](const httplib::Request&, httplib::Response& res) {
    ServeServices(inventory, res);
  });
  server_->Get("/v1/openapi", [&inventory](const httplib::Request& req, httplib::Response& res) {
    const std::string service = req.get_param_value("service");
    if (service.empty()) {
      SendError(res, 400, "name the service: /v1/openapi?service=NAME (see /v1/services)");
      return;
    }
    const std::optional<std::string> document = ObservedOpenApi(*inventory.Latest(), service);
    if (!document) {
      SendError(res, 404, "no service named '" + service + "' (see /v1/services)");
      return;
    }
    res.set_content(*document, "application/json");
  });
  server_->Get("/v1/findings", [&findings](const httplib::Request& req, httplib::Response& res) {
    ServeFindings(findings, req, res);
  });
  if (sources.agents_json) {
    server_->Get("/v1/agents", [agents = std::move(sources.agents_json)](const httplib::Request&,
                                                                         httplib::Response& res) {
      res.set_content(agents(), "application/json");
    });
  }
  // cpp-httplib sets SO_REUSEPORT, which would let a second agent share this port and make a
  // port left in TIME_WAIT by a restart unusable; SO_REUSEADDR alone gives the opposite of both.
  server_->set_socket_options([](socket_t sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  if (!server_->bind_to_port(host, *port)) {
    throw std::runtime_error("cannot listen on " + listen +
                             ": the port is in use or the address is not local; choose another "
                             "with --listen.");
  }
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
}

ApiServer::~ApiServer() {
  // cpp-httplib ignores a stop() that comes before its accept loop runs, which would leave the
  // join below waiting forever when the process is stopped right after it started.
  while (!server_->is_running() && !listen_returned_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace apisensor::api
