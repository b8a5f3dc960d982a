#include "agent/daemon/catalog_specs.h"

#include <chrono>

#include "agent/text/host_port.h"

namespace apisensor::daemon {
namespace {

std::vector<openapi::SpecSource> ParseArguments(const std::vector<std::string>& arguments) {
  std::vector<openapi::SpecSource> sources;
  for (const std::string& argument : arguments) {
    try {
      sources.push_back(openapi::ParseSpecArgument(argument));
    } catch (const openapi::SpecError& e) {
      throw std::runtime_error(std::string("--spec ") + argument + ": " + e.what());
    }
  }
  return sources;
}

// "shop.internal:8080" → "shop.internal"; "[::1]:80" → "::1".
std::string_view HostWithoutPort(std::string_view host) {
  const std::optional<text::HostPortParts> split = text::SplitHostPort(host);
  return split ? split->host : host;
}

}  // namespace

constexpr auto kCheckInterval = std::chrono::seconds(2);

CatalogSpecs::CatalogSpecs(const std::vector<std::string>& arguments)
    : catalog_(ParseArguments(arguments)) {
  catalog_.ReloadIfChanged();
  if (!arguments.empty()) watcher_ = std::thread([this] { Watch(); });
}

CatalogSpecs::~CatalogSpecs() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stop_signal_.notify_one();
  if (watcher_.joinable()) watcher_.join();
}

void CatalogSpecs::Watch() {
  std::unique_lock lock(mu_);
  while (!stop_signal_.wait_for(lock, kCheckInterval, [this] { return stop_; })) {
    lock.unlock();
    const bool reloaded = catalog_.ReloadIfChanged();
    lock.lock();
    if (reloaded) ++reloads_;
  }
}

uint64_t CatalogSpecs::reloads() const {
  std::lock_guard lock(mu_);
  return reloads_;
}

std::vector<std::string> CatalogSpecs::Describe() const {
  std::vector<std::string> lines;
  const auto set = catalog_.current();
  for (const openapi::LoadedSpec& loaded : set->specs()) {
    const openapi::Spec& spec = *loaded.spec;
    std::string line = "spec " + spec.source + " (" + spec.title + " " + spec.version + ", " +
                       std::string(openapi::SpecFormatName(spec.format)) + ", " +
                       std::to_string(spec.operations.size()) + " operations) ";
    if (!loaded.service.empty()) {
      line += "bound to service " + loaded.service;
    } else {
      line += "binds by its servers:";
      for (const openapi::ServerAddress& server : spec.servers) {
        line += " " + (server.url.empty() ? std::string("/") : server.url);
      }
    }
    lines.push_back(std::move(line));
  }
  for (const std::string& error : set->errors()) lines.push_back("spec: " + error);
  return lines;
}

std::shared_ptr<const openapi::ServiceSpecs> CatalogSpecs::For(std::string_view service_name,
                                                               uint16_t port,
                                                               std::string_view host) const {
  const auto set = catalog_.current();
  if (auto specs = set->ForService(service_name)) return specs;
  if (auto specs = set->ForPort(port)) return specs;
  if (!host.empty()) return set->ForHost(HostWithoutPort(host));
  return nullptr;
}

std::unordered_map<uint16_t, std::string> CatalogSpecs::ServiceNamesByPort() const {
  std::unordered_map<uint16_t, std::string> names;
  for (const openapi::LoadedSpec& loaded : catalog_.current()->specs()) {
    if (loaded.service.empty()) continue;
    for (const openapi::ServerAddress& server : loaded.spec->servers) {
      // Only a port the spec writes out, on this host: a default 443 or a remote host says
      // nothing about which local process serves the API.
      const bool local = server.host.empty() || text::IsLoopbackHost(server.host);
      if (server.port_explicit && local) names.try_emplace(server.port, loaded.service);
    }
  }
  return names;
}

std::vector<std::string> CatalogSpecs::ExplicitServices() const {
  return catalog_.current()->ExplicitServices();
}

}  // namespace apisensor::daemon
