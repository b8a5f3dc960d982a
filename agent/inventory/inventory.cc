#include "agent/inventory/inventory.h"

#include <algorithm>
#include <utility>

#include "agent/exchange/stable_id.h"

namespace apisensor::inventory {
namespace {

constexpr size_t kMaxMethodBytes = 24;

bool LooksLikeJson(const http::Message& message, std::string_view media_type) {
  if (message.body_sample.empty()) return false;
  if (media_type.find("json") != std::string_view::npos) return true;
  if (!media_type.empty()) return false;
  for (char c : message.body_sample) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[';
  }
  return false;
}

std::string_view QueryOf(std::string_view target) {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

DeclaredInfo DeclaredInfoOf(const openapi::Classification& c) {
  DeclaredInfo info;
  info.deprecated = c.state == openapi::DeclaredState::kDeprecated;
  info.removed = c.state == openapi::DeclaredState::kRemoved;
  if (c.operation != nullptr) {
    info.secured = c.operation->secured;
    info.operation_id = c.operation->operation_id;
  }
  info.spec = c.source;
  return info;
}

EndpointState StateOf(openapi::DeclaredState state) {
  switch (state) {
    case openapi::DeclaredState::kDeclared:
      return EndpointState::kDeclared;
    case openapi::DeclaredState::kDeprecated:
    case openapi::DeclaredState::kRemoved:
      return EndpointState::kZombie;
    case openapi::DeclaredState::kUndeclared:
      break;
  }
  return EndpointState::kShadow;
}

}  // namespace

struct Inventory::Endpoint {
  std::string id;
  std::string method;
  std::string path;
  EndpointState state = EndpointState::kShadow;
  DeclaredInfo declared;
  EndpointStats stats;
  bool dirty = true;
  std::shared_ptr<const EndpointView> published;
};

struct Inventory::Service {
  explicit Service(const templating::TemplaterLimits& limits) : templater(limits) {}

  ServiceView identity;
  templating::PathTemplater templater;
  uint64_t templater_generation = 0;
  std::unordered_map<std::string, std::unique_ptr<Endpoint>, TransparentHash, std::equal_to<>>
      endpoints;  // key: "METHOD path"
  std::shared_ptr<const openapi::ServiceSpecs> specs;
};

Inventory::Inventory(const InventoryLimits& limits, const sensitive::Scanner& scanner,
                     const DeclaredSpecs* specs, findings::FindingSink* findings)
    : limits_(limits),
      scanner_(scanner),
      scratch_(scanner.NewScratch()),
      specs_(specs),
      specs_generation_(specs ? specs->generation() : 0),
      findings_(findings) {
  if (specs_ != nullptr) port_names_ = specs_->ServiceNamesByPort();
}

Inventory::~Inventory() = default;

Inventory::Service* Inventory::FindOrCreateService(const ServiceOfExchange& who) {
  if (auto it = services_.find(std::string_view(who.name)); it != services_.end()) {
    return it->second.get();
  }
  if (services_.size() >= limits_.max_services) {
    ++stats_.services_dropped;
    return nullptr;
  }
  auto service = std::make_unique<Service>(limits_.templating);
  service->identity.name = who.name;
  service->identity.kind = who.kind;
  service->identity.process = who.process;
  service->identity.port = who.port;
  service->identity.k8s = who.service_k8s;
  BindSpecs(*service);
  Service* raw = service.get();
  services_.emplace(who.name, std::move(service));
  return raw;
}

void Inventory::BindSpecs(Service& service) {
  service.specs.reset();
  service.identity.specs.clear();
  if (specs_ == nullptr) return;
  const std::string_view host =
      service.identity.hosts.entries().empty()
          ? std::string_view()
          : std::string_view(service.identity.hosts.entries().front().name);
  // A spec bound by port describes a server on this host; an external API is found by host.
  const uint16_t port =
      service.identity.kind == ServiceKind::kLocal ? service.identity.port : uint16_t{0};
  service.specs = specs_->For(service.identity.name, port, host);
  if (service.specs) service.identity.specs = service.specs->Sources();
}

Inventory::Endpoint* Inventory::FindOrCreateEndpoint(Service& service, std::string_view method,
                                                     std::string_view path_template,
                                                     EndpointState state,
                                                     const openapi::Classification* declared,
                                                     uint64_t now_ns) {
  key_.assign(method);
  key_.push_back(' ');
  key_.append(path_template);
  if (auto it = service.endpoints.find(std::string_view(key_)); it != service.endpoints.end()) {
    return it->second.get();
  }
  if (service.endpoints.size() >= limits_.max_endpoints_per_service) {
    ++service.identity.endpoints_dropped;
    ++stats_.endpoints_dropped;
    return nullptr;
  }
  auto endpoint = std::make_unique<Endpoint>();
  endpoint->method.assign(method);
  endpoint->path.assign(path_template);
  endpoint->id = StableId({service.identity.name, endpoint->method, endpoint->path});
  endpoint->state = state;
  if (declared != nullptr) endpoint->declared = DeclaredInfoOf(*declared);
  endpoint->stats.request.schema = schema::InferredSchema(limits_.schema);
  endpoint->stats.response.schema = schema::InferredSchema(limits_.schema);
  Endpoint* raw = endpoint.get();
  service.endpoints.emplace(key_, std::move(endpoint));
  ReportNewEndpoint(service, *raw, now_ns);
  return raw;
}

void Inventory::ReportNewEndpoint(const Service& service, const Endpoint& endpoint,
                                  uint64_t now_ns) {
  if (findings_ == nullptr) return;
  const bool shadow = endpoint.state == EndpointState::kShadow;
  const bool zombie = endpoint.state == EndpointState::kZombie;
  if (!shadow && !zombie) return;
  // With no spec loaded at all there is nothing declared to differ from: every endpoint would be
  // "shadow" and the finding would say nothing. A service without a spec while others have one
  // is itself undeclared, and its endpoints are reported.
  if (shadow && (specs_ == nullptr || specs_->Empty())) return;
  findings::Finding f;
  f.type = shadow ? "shadow_endpoint" : "zombie_endpoint";
  f.severity = shadow ? findings::Severity::kMedium : findings::Severity::kHigh;
  f.owasp = "API9:2023";
  f.service = service.identity.name;
  f.k8s = service.identity.k8s;
  f.endpoint = endpoint.method + " " + endpoint.path;
  f.id = findings::FindingId(f.type, f.service, f.endpoint, "");
  if (shadow) {
    f.title = "Undeclared endpoint served";
    f.description = service.specs ? "This endpoint answers traffic but is not in the service's "
                                    "declared OpenAPI spec."
                                  : "This service answers traffic but no OpenAPI spec declares it.";
  } else {
    f.title = endpoint.declared.removed ? "Removed endpoint still called"
                                        : "Deprecated endpoint still called";
    f.description = endpoint.declared.removed
                        ? "Only an older version of the service's spec declares this endpoint, "
                          "yet it is still called."
                        : "The service's spec marks this endpoint deprecated, yet it is still "
                          "called.";
  }
  f.first_seen_ns = f.last_seen_ns = now_ns;
  f.evidence.emplace_back("endpoint", f.endpoint);
  if (!endpoint.declared.spec.empty()) f.evidence.emplace_back("spec", endpoint.declared.spec);
  findings_->Report(f);
  ++stats_.findings_reported;
}

const ObservedEndpoint* Inventory::Observe(const ExchangeRecord& record) {
  ++stats_.exchanges_observed;
  if (!IdentifyService(record, local_, who_)) {
    ++stats_.exchanges_unattributed;
    return nullptr;
  }
  if (!port_names_.empty() && who_.kind == ServiceKind::kLocal && !who_.workload_named) {
    if (auto it = port_names_.find(who_.port); it != port_names_.end()) who_.name = it->second;
  }
  Service* service = FindOrCreateService(who_);
  if (service == nullptr) return nullptr;
  if (!who_.host.empty()) {
    const bool first_host = service->identity.hosts.entries().empty();
    service->identity.hosts.Add(who_.host);
    if (first_host && !service->specs) BindSpecs(*service);  // specs bound by host
  }

  const http::Request& request = record.http.request;
  ParseRequestTarget(request.target, target_);
  std::string_view path = target_.path.empty() ? std::string_view("/") : target_.path;
  const std::string_view method = std::string_view(request.method).substr(0, kMaxMethodBytes);

  EndpointState state = EndpointState::kShadow;
  std::string_view path_template;
  openapi::Classification declared;
  const openapi::Classification* declared_ptr = nullptr;
  if (service->specs) {
    declared = service->specs->Classify(method, path);
    if (declared.state != openapi::DeclaredState::kUndeclared) {
      state = StateOf(declared.state);
      path_template = declared.template_path;
      declared_ptr = &declared;
    }
  }
  if (declared_ptr == nullptr) {
    // gRPC paths name a method, never a resource: nothing in them is a parameter.
    path_template = record.http.grpc ? path : service->templater.Observe(path);
    if (service->templater.generation() != service->templater_generation) Rekey(*service);
  }
  const uint64_t now_ns = record.ts_unix_ns;
  Endpoint* endpoint =
      FindOrCreateEndpoint(*service, method, path_template, state, declared_ptr, now_ns);
  if (endpoint == nullptr) return nullptr;
  Update(*endpoint, record);
  ServiceView& identity = service->identity;
  ++identity.requests;
  identity.first_seen_ns =
      identity.first_seen_ns == 0 ? now_ns : std::min(identity.first_seen_ns, now_ns);
  identity.last_seen_ns = std::max(identity.last_seen_ns, now_ns);
  observed_.service = identity.name;
  observed_.kind = identity.kind;
  observed_.method = endpoint->method;
  observed_.path = endpoint->path;
  observed_.state = endpoint->state;
  observed_.declared = &endpoint->declared;
  observed_.stats = &endpoint->stats;
  observed_.caller = who_.caller;
  observed_.service_k8s = &identity.k8s;
  observed_.caller_k8s = &who_.caller_k8s;
  return &observed_;
}

void Inventory::Update(Endpoint& endpoint, const ExchangeRecord& record) {
  const secrets::AuthObservation& auth = record.auth;
  EndpointStats& s = endpoint.stats;
  endpoint.dirty = true;
  ++s.requests;
  const uint64_t ts = record.ts_unix_ns;
  s.first_seen_ns = s.first_seen_ns == 0 ? ts : std::min(s.first_seen_ns, ts);
  s.last_seen_ns = std::max(s.last_seen_ns, ts);
  if (record.tls) ++s.tls;
  if (record.http.partial) ++s.partial;
  s.protocols.Add(record.protocol);
  const http::Request& request = record.http.request;
  const std::optional<http::Response>& response = record.http.response;
  s.AddStatus(response ? response->status : 0);
  if (record.http.grpc) {
    s.grpc_status.Add(record.http.grpc->status ? std::to_string(*record.http.grpc->status) : "");
  }
  if (response && record.latency_ns > 0) s.latency.Add(record.latency_ns);

  for (std::string_view key : target_.query_keys) s.query_params.Add(key);
  s.query_params.set_overflow(s.query_params.overflow() + (target_.query_keys_truncated ? 1 : 0));

  s.auth[static_cast<size_t>(auth.kind)]++;
  if (!auth.carrier.empty()) {
    // "header:x-api-key", "query:api_key", "cookie:sid": where it travels matters to a spec.
    key_.assign(auth.carrier_in);
    key_.push_back(':');
    key_.append(auth.carrier);
    s.auth_carriers.Add(key_);
  }
  if (auth.jwt) {
    s.jwt_algs.Add(auth.jwt->alg);
    if (!auth.jwt->iss.empty()) s.jwt_issuers.Add(auth.jwt->iss);
  }
  s.callers.Add(who_.caller);

  ObserveBody(s.request, request, QueryOf(request.target));
  observed_.new_response_sensitive = {};
  if (response) {
    const sensitive::KindSet before = s.response.sensitive;
    const bool first = s.response.messages == 0;
    ObserveBody(s.response, *response, {});
    if (!first) observed_.new_response_sensitive = s.response.sensitive.Without(before);
  }
}

void Inventory::ObserveBody(DirectionStats& direction, const http::Message& message,
                            std::string_view extra_text) {
  ++direction.messages;
  direction.body_bytes += message.body_size;
  direction.max_body_bytes = std::max(direction.max_body_bytes, message.body_size);
  std::string_view media_type;
  if (const http::Header* ct = message.Find("content-type")) {
    media_type = MediaType(ct->value, media_scratch_);
    if (!media_type.empty()) direction.content_types.Add(media_type);
  }
  if (!message.body_sample.empty()) {
    ++stats_.bodies_scanned;
    direction.sensitive.Merge(scanner_.Scan(message.body_sample, scratch_, direction.sensitive));
    if (LooksLikeJson(message, media_type)) {
      const bool complete =
          message.body_complete && message.body_sample.size() == message.body_size;
      if (direction.schema.Observe(message.body_sample, complete)) ++stats_.schema_samples;
    }
  }
  if (!extra_text.empty()) {
    direction.sensitive.Merge(scanner_.Scan(extra_text, scratch_, direction.sensitive));
  }
}

void Inventory::Rekey(Service& service) {
  service.templater_generation = service.templater.generation();
  std::vector<std::unique_ptr<Endpoint>> moved;
  for (auto it = service.endpoints.begin(); it != service.endpoints.end();) {
    Endpoint& e = *it->second;
    if (e.state != EndpointState::kShadow) {  // declared templates are the spec's, not learned
      ++it;
      continue;
    }
    std::string current = service.templater.Lookup(e.path);
    if (current == e.path) {
      ++it;
      continue;
    }
    e.path = std::move(current);
    moved.push_back(std::move(it->second));
    it = service.endpoints.erase(it);
  }
  for (std::unique_ptr<Endpoint>& e : moved) {
    removed_ids_.push_back(e->id);
    ++stats_.endpoints_rekeyed;
    std::string key = e->method + " " + e->path;
    if (auto it = service.endpoints.find(std::string_view(key)); it != service.endpoints.end()) {
      it->second->stats.Merge(e->stats);
      it->second->dirty = true;
      continue;
    }
    e->id = StableId({service.identity.name, e->method, e->path});
    e->dirty = true;
    e->published.reset();
    service.endpoints.emplace(std::move(key), std::move(e));
  }
}

void Inventory::Reclassify(Service& service) {
  std::vector<std::unique_ptr<Endpoint>> all;
  all.reserve(service.endpoints.size());
  for (auto& [key, e] : service.endpoints) all.push_back(std::move(e));
  service.endpoints.clear();
  for (std::unique_ptr<Endpoint>& e : all) {
    const std::string old_id = e->id;
    e->state = EndpointState::kShadow;
    e->declared = DeclaredInfo{};
    if (service.specs) {
      const openapi::Classification c = service.specs->Classify(e->method, e->path);
      if (c.state != openapi::DeclaredState::kUndeclared) {
        e->state = StateOf(c.state);
        e->declared = DeclaredInfoOf(c);
        e->path.assign(c.template_path);
      }
    }
    e->id = StableId({service.identity.name, e->method, e->path});
    if (e->id != old_id) removed_ids_.push_back(old_id);
    e->dirty = true;
    e->published.reset();
    std::string key = e->method + " " + e->path;
    if (auto it = service.endpoints.find(std::string_view(key)); it != service.endpoints.end()) {
      it->second->stats.Merge(e->stats);
      continue;
    }
    service.endpoints.emplace(std::move(key), std::move(e));
  }
}

void Inventory::RefreshSpecs() {
  if (specs_ == nullptr) return;
  specs_generation_ = specs_->generation();
  port_names_ = specs_->ServiceNamesByPort();
  for (auto& [name, service] : services_) {
    BindSpecs(*service);
    Reclassify(*service);
  }
}

void Inventory::Restore(const RestoredEndpoint& stored) {
  ServiceOfExchange who;
  who.name = stored.service.name;
  who.kind = stored.service.kind;
  who.process = stored.service.process;
  who.port = stored.service.port;
  who.service_k8s = stored.service.k8s;
  Service* service = FindOrCreateService(who);
  if (service == nullptr) return;
  ServiceView& identity = service->identity;
  identity.hosts.Merge(stored.service.hosts);
  if (!service->specs) BindSpecs(*service);
  const EndpointView& view = stored.endpoint;
  Endpoint* endpoint = nullptr;
  key_ = view.method + " " + view.path;
  if (auto it = service->endpoints.find(std::string_view(key_)); it != service->endpoints.end()) {
    endpoint = it->second.get();
  } else if (service->endpoints.size() < limits_.max_endpoints_per_service) {
    auto e = std::make_unique<Endpoint>();
    e->method = view.method;
    e->path = view.path;
    e->id = StableId({identity.name, e->method, e->path});
    e->state = view.state;
    e->declared = view.declared;
    e->stats.request.schema = schema::InferredSchema(limits_.schema);
    e->stats.response.schema = schema::InferredSchema(limits_.schema);
    endpoint = e.get();
    service->endpoints.emplace(key_, std::move(e));
  } else {
    ++identity.endpoints_dropped;
    return;
  }
  endpoint->stats.Merge(view.stats);
  endpoint->dirty = true;
  identity.requests += view.stats.requests;
  if (view.stats.first_seen_ns != 0) {
    identity.first_seen_ns = identity.first_seen_ns == 0
                                 ? view.stats.first_seen_ns
                                 : std::min(identity.first_seen_ns, view.stats.first_seen_ns);
  }
  identity.last_seen_ns = std::max(identity.last_seen_ns, view.stats.last_seen_ns);
}

PublishResult Inventory::Publish(uint64_t now_unix_ns) {
  if (specs_ != nullptr && specs_->generation() != specs_generation_) RefreshSpecs();
  PublishResult result;
  auto view = std::make_shared<InventoryView>();
  view->published_ns = now_unix_ns;
  uint64_t memory = 0;
  std::vector<std::string> explicit_services;
  if (specs_ != nullptr) explicit_services = specs_->ExplicitServices();
  for (const std::string& name : explicit_services) {
    if (services_.find(std::string_view(name)) != services_.end()) continue;
    ServiceOfExchange who;
    who.name = name;
    FindOrCreateService(who);
  }
  const uint64_t window_start =
      now_unix_ns > limits_.retention_ns ? now_unix_ns - limits_.retention_ns : 0;
  for (auto& [name, service] : services_) {
    memory += sizeof(Service) + service->templater.MemoryBytes();
    for (auto& [key, e] : service->endpoints) {
      memory += sizeof(Endpoint) + e->stats.MemoryBytes() + key.capacity() + e->path.capacity();
      if (e->dirty || !e->published) {
        auto ev = std::make_shared<EndpointView>();
        ev->id = e->id;
        ev->service = service->identity.name;
        ev->method = e->method;
        ev->path = e->path;
        ev->k8s = service->identity.k8s;
        ev->state = e->state;
        ev->declared = e->declared;
        ev->stats = e->stats;
        e->published = std::move(ev);
        e->dirty = false;
        result.changed.push_back(e->published);
      }
      view->endpoints.push_back(e->published);
    }
    ServiceView sv = service->identity;
    sv.endpoints = service->endpoints.size();
    if (service->specs) {
      // Declared in the current version and not seen within the retention window: unused.
      for (const openapi::Operation* op : service->specs->CurrentOperations()) {
        key_ = op->method + " " + op->template_path;
        auto it = service->endpoints.find(std::string_view(key_));
        if (it != service->endpoints.end() && it->second->stats.last_seen_ns >= window_start) {
          continue;
        }
        auto ev = std::make_shared<EndpointView>();
        ev->service = sv.name;
        ev->method = op->method;
        ev->path = op->template_path;
        ev->k8s = sv.k8s;
        ev->id = StableId({sv.name, ev->method, ev->path});
        ev->state = EndpointState::kUnused;
        ev->declared.deprecated = op->deprecated;
        ev->declared.secured = op->secured;
        ev->declared.operation_id = op->operation_id;
        ev->declared.spec = service->specs->SourceOf(*op);
        if (it != service->endpoints.end()) {
          ev->stats = it->second->stats;  // seen once, long ago
          // The observed row and the unused one share the id: show only the unused one.
          std::erase_if(view->endpoints, [&](const auto& p) { return p->id == ev->id; });
        }
        view->endpoints.push_back(std::move(ev));
      }
    }
    view->services.push_back(std::move(sv));
  }
  std::sort(view->endpoints.begin(), view->endpoints.end(), [](const auto& a, const auto& b) {
    if (a->service != b->service) return a->service < b->service;
    if (a->path != b->path) return a->path < b->path;
    return a->method < b->method;
  });
  std::sort(view->services.begin(), view->services.end(),
            [](const ServiceView& a, const ServiceView& b) { return a.name < b.name; });
  view->stats = stats_;
  view->memory_bytes = memory;
  result.view = std::move(view);
  result.removed_ids = std::move(removed_ids_);
  removed_ids_.clear();
  return result;
}

}  // namespace apisensor::inventory
