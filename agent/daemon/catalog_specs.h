// The declared specs of `apisensor run --spec ...`, as the inventory asks for them: a spec named
// for a service (SERVICE=FILE) binds to that service; an unbound one binds to the local service
// listening on a port its servers name, or to the external service of one of its hosts.
//
// Spec files are re-checked every two seconds on a thread of their own: parsing a large YAML
// document can take seconds, which the capture path must never wait for. The inventory notices a
// new set through generation().
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/inventory/inventory.h"
#include "agent/openapi/spec_catalog.h"

namespace apisensor::daemon {

class CatalogSpecs final : public inventory::DeclaredSpecs {
 public:
  // Parses the --spec arguments, loads every file once and starts watching them. Throws
  // std::runtime_error for a malformed argument; unreadable or invalid files are reported by
  // Describe(), not fatal.
  explicit CatalogSpecs(const std::vector<std::string>& arguments);
  ~CatalogSpecs() override;
  CatalogSpecs(const CatalogSpecs&) = delete;
  CatalogSpecs& operator=(const CatalogSpecs&) = delete;

  // One line per spec loaded (what it is, how it binds) and per file that failed.
  std::vector<std::string> Describe() const;
  uint64_t ErrorCount() const { return catalog_.current()->errors().size(); }
  uint64_t reloads() const;

  std::shared_ptr<const openapi::ServiceSpecs> For(std::string_view service_name, uint16_t port,
                                                   std::string_view host) const override;
  std::vector<std::string> ExplicitServices() const override;
  std::unordered_map<uint16_t, std::string> ServiceNamesByPort() const override;
  bool Empty() const override { return catalog_.current()->empty(); }
  uint64_t generation() const override { return catalog_.current()->generation(); }

 private:
  void Watch();

  openapi::SpecCatalog catalog_;  // ReloadIfChanged() only from the watcher thread
  mutable std::mutex mu_;
  std::condition_variable stop_signal_;
  bool stop_ = false;
  uint64_t reloads_ = 0;
  std::thread watcher_;
};

}  // namespace apisensor::daemon
