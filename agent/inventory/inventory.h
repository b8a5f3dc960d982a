// The endpoint inventory: service → endpoints (method + path template) with their aggregates,
// and the diff against declared OpenAPI specs. Fed one exchange at a time on the pipeline thread
// (no locks); readers get immutable views from Publish().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/exchange/exchange_record.h"
#include "agent/exchange/request_target.h"
#include "agent/findings/finding.h"
#include "agent/inventory/service_identity.h"
#include "agent/inventory/views.h"
#include "agent/openapi/service_specs.h"
#include "agent/schema/inferred_schema.h"
#include "agent/secrets/auth_observation.h"
#include "agent/sensitive/scanner.h"
#include "agent/templating/path_templater.h"

namespace apisensor::inventory {

struct InventoryLimits {
  size_t max_services = 1024;
  size_t max_endpoints_per_service = 2048;
  uint64_t retention_ns = 7ULL * 24 * 3600 * 1'000'000'000;  // window of `unused`
  templating::TemplaterLimits templating;
  schema::SchemaLimits schema;
};

// Which declared specs apply to a service. The agent implements it over its spec catalog;
// generation() changes whenever specs were reloaded, so bindings are looked up again.
class DeclaredSpecs {
 public:
  virtual ~DeclaredSpecs() = default;
  // nullptr when no spec is bound to the service.
  virtual std::shared_ptr<const openapi::ServiceSpecs> For(std::string_view service_name,
                                                           uint16_t port,
                                                           std::string_view host) const = 0;
  // Services named by an explicit binding, so their declared endpoints show as unused even
  // before any traffic.
  virtual std::vector<std::string> ExplicitServices() const = 0;
  // Names that explicit bindings give to local ports: `--spec orders=orders.yaml` whose servers
  // say port 8080 names the service listening on 8080 "orders" instead of "<comm>:8080".
  virtual std::unordered_map<uint16_t, std::string> ServiceNamesByPort() const = 0;
  virtual bool Empty() const = 0;
  virtual uint64_t generation() const = 0;
};

// A stored endpoint handed back at start-up.
struct RestoredEndpoint {
  ServiceView service;
  EndpointView endpoint;
};

// What Observe() placed an exchange in, for the detectors that run right after it. Views into
// the inventory: valid until the next call on it.
struct ObservedEndpoint {
  std::string_view service;
  ServiceKind kind = ServiceKind::kLocal;
  std::string_view method;
  std::string_view path;  // the template
  EndpointState state = EndpointState::kShadow;
  const DeclaredInfo* declared = nullptr;  // meaningful unless state is shadow
  const EndpointStats* stats = nullptr;    // already including this exchange
  std::string_view caller;                 // remote address, or the calling process for egress
  // The Kubernetes workloads behind `service` and `caller` (null or empty when not known).
  const k8s::WorkloadIdentity* service_k8s = nullptr;
  const k8s::WorkloadIdentity* caller_k8s = nullptr;
  // Sensitive kinds this exchange's response showed that no earlier response of the endpoint
  // had (empty for the endpoint's first response: nothing to compare with).
  sensitive::KindSet new_response_sensitive;
};

struct PublishResult {
  std::shared_ptr<const InventoryView> view;
  // For the store: endpoints that changed since the last publish, and ids that disappeared
  // (folded into another template).
  std::vector<std::shared_ptr<const EndpointView>> changed;
  std::vector<std::string> removed_ids;
};

class Inventory {
 public:
  // `scanner` and, when given, `specs` and `findings` must outlive the inventory.
  Inventory(const InventoryLimits& limits, const sensitive::Scanner& scanner,
            const DeclaredSpecs* specs, findings::FindingSink* findings);
  ~Inventory();
  Inventory(const Inventory&) = delete;
  Inventory& operator=(const Inventory&) = delete;

  // `record` is already redacted; its `auth` was observed before redaction. Returns where the
  // exchange went, or nullptr when it has no service or a cap turned it away.
  const ObservedEndpoint* Observe(const ExchangeRecord& record);
  void Restore(const RestoredEndpoint& stored);
  // Looks bindings and declared states up again. Publish() does it by itself when the specs'
  // generation changed (checked there, once a second, never per exchange).
  void RefreshSpecs();
  void RefreshLocalAddresses() { local_.Refresh(); }
  LocalAddresses& local_addresses() { return local_; }

  PublishResult Publish(uint64_t now_unix_ns);
  const InventoryStats& stats() const { return stats_; }

 private:
  struct Endpoint;
  struct Service;
  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ServiceMap =
      std::unordered_map<std::string, std::unique_ptr<Service>, TransparentHash, std::equal_to<>>;

  Service* FindOrCreateService(const ServiceOfExchange& who);
  void BindSpecs(Service& service);
  Endpoint* FindOrCreateEndpoint(Service& service, std::string_view method,
                                 std::string_view path_template, EndpointState state,
                                 const openapi::Classification* declared, uint64_t now_ns);
  void Rekey(Service& service);
  void Reclassify(Service& service);
  void Update(Endpoint& endpoint, const ExchangeRecord& record);
  void ObserveBody(DirectionStats& direction, const http::Message& message,
                   std::string_view extra_text);
  void ReportNewEndpoint(const Service& service, const Endpoint& endpoint, uint64_t now_ns);

  InventoryLimits limits_;
  const sensitive::Scanner& scanner_;
  sensitive::Scanner::Scratch scratch_;
  const DeclaredSpecs* specs_;
  uint64_t specs_generation_ = 0;
  findings::FindingSink* findings_;
  LocalAddresses local_;
  ServiceMap services_;
  std::unordered_map<uint16_t, std::string> port_names_;  // from the specs, see DeclaredSpecs
  InventoryStats stats_;
  std::vector<std::string> removed_ids_;
  // Reused per exchange so steady traffic does not allocate.
  ServiceOfExchange who_;
  ObservedEndpoint observed_;
  RequestTarget target_;
  std::string key_;
  std::string media_scratch_;
};

}  // namespace apisensor::inventory
