#include "collector/batch_decoder.h"

#include <algorithm>

#include "agent/inventory/endpoint_codec.h"

namespace apisensor::collector {
namespace {

bool ValidId(const std::string& id) { return !id.empty() && id.size() <= kMaxIdBytes; }

bool Fits(const std::string& text) { return text.size() <= kMaxTextBytes; }

template <typename... Texts>
bool AllFit(const Texts&... texts) {
  return (Fits(texts) && ...);
}

uint16_t Port(uint32_t value) { return value <= 65535 ? static_cast<uint16_t>(value) : 0; }

// A newer agent may know more states than this build: it is still an observed endpoint, which
// is what shadow means to every reader here.
inventory::EndpointState StateOf(const std::string& name) {
  inventory::EndpointState state = inventory::EndpointState::kShadow;
  inventory::EndpointStateFromName(name, state);
  return state;
}

// Kubernetes names are at most 253 bytes (DNS subdomains) and hold no '/', which the store's text
// form of a workload relies on. Anything else is dropped (counted); the item itself is kept.
void DecodeWorkload(const v1::Workload& in, k8s::WorkloadIdentity& out, DecodedBatch& batch) {
  out.clear();
  if (in.namespace_name().empty() && in.name().empty() && in.kind().empty()) return;
  constexpr size_t kMaxK8sName = 253;
  for (const std::string* part : {&in.namespace_name(), &in.name(), &in.kind()}) {
    if (part->empty() || part->size() > kMaxK8sName || part->find('/') != std::string::npos) {
      ++batch.malformed;
      return;
    }
  }
  out.namespace_name = in.namespace_name();
  out.name = in.name();
  out.kind = in.kind();
}

findings::Severity SeverityOf(v1::Severity severity) {
  const int value =
      std::clamp(static_cast<int>(severity), 0, static_cast<int>(findings::Severity::kCritical));
  return static_cast<findings::Severity>(value);
}

bool DecodeEndpoint(const v1::Endpoint& in, const DecodeOptions& options, DecodedBatch& out) {
  if (!ValidId(in.id()) || !AllFit(in.service(), in.method(), in.path(), in.state(),
                                   in.declared().operation_id(), in.declared().spec())) {
    ++out.malformed;
    return false;
  }
  auto view = std::make_shared<inventory::EndpointView>();
  if (in.stats_codec_version() != static_cast<uint32_t>(inventory::kEndpointCodecVersion) ||
      !inventory::DecodeEndpointStats(in.stats(), options.schema, view->stats)) {
    ++out.codec_refused;
    return false;
  }
  view->id = in.id();
  view->service = in.service();
  view->method = in.method();
  view->path = in.path();
  view->state = StateOf(in.state());
  view->declared.deprecated = in.declared().deprecated();
  view->declared.removed = in.declared().removed();
  view->declared.secured = in.declared().secured();
  view->declared.operation_id = in.declared().operation_id();
  view->declared.spec = in.declared().spec();
  DecodeWorkload(in.k8s(), view->k8s, out);
  out.endpoints.push_back(AgentEndpoint{std::move(view), in.stats()});
  return true;
}

bool DecodeService(const v1::Service& in, DecodedBatch& out) {
  if (in.name().empty() || in.name().size() > kMaxServiceNameBytes ||
      !AllFit(in.kind(), in.process()) || static_cast<size_t>(in.hosts_size()) > kMaxListEntries ||
      static_cast<size_t>(in.specs_size()) > kMaxListEntries) {
    ++out.malformed;
    return false;
  }
  inventory::ServiceView s;
  s.name = in.name();
  s.kind =
      in.kind() == "external" ? inventory::ServiceKind::kExternal : inventory::ServiceKind::kLocal;
  s.process = in.process();
  s.port = Port(in.port());
  for (const std::string& host : in.hosts()) s.hosts.Add(host);
  s.requests = in.requests();
  s.first_seen_ns = in.first_seen_unix_ns();
  s.last_seen_ns = in.last_seen_unix_ns();
  for (const std::string& spec : in.specs()) {
    if (Fits(spec)) s.specs.push_back(spec);
  }
  s.endpoints_dropped = in.endpoints_dropped();
  DecodeWorkload(in.k8s(), s.k8s, out);
  out.services.push_back(std::move(s));
  return true;
}

bool DecodeFinding(const v1::Finding& in, DecodedBatch& out) {
  if (!ValidId(in.id()) ||
      !AllFit(in.type(), in.owasp(), in.title(), in.description(), in.service(), in.endpoint(),
              in.caller()) ||
      static_cast<size_t>(in.evidence_size()) > kMaxListEntries) {
    ++out.malformed;
    return false;
  }
  findings::Finding f;
  f.id = in.id();
  f.type = in.type();
  f.severity = SeverityOf(in.severity());
  f.owasp = in.owasp();
  f.title = in.title();
  f.description = in.description();
  f.service = in.service();
  f.endpoint = in.endpoint();
  f.caller = in.caller();
  f.first_seen_ns = in.first_seen_unix_ns();
  f.last_seen_ns = in.last_seen_unix_ns();
  f.count = in.count();
  for (const v1::Evidence& e : in.evidence()) {
    if (!AllFit(e.key(), e.value())) {
      ++out.malformed;
      return false;
    }
    f.evidence.emplace_back(e.key(), e.value());
  }
  DecodeWorkload(in.k8s(), f.k8s, out);
  DecodeWorkload(in.caller_k8s(), f.caller_k8s, out);
  out.findings.push_back(std::move(f));
  return true;
}

HeartbeatInfo DecodeHeartbeat(const v1::Heartbeat& in, DecodedBatch& out) {
  HeartbeatInfo h;
  h.time_ns = in.time_unix_ns();
  if (Fits(in.version())) h.version = in.version();
  for (const v1::Counter& c : in.counters()) {
    if (h.counters.size() >= kMaxAgentCounters || !ValidId(c.name()) || !Fits(c.labels())) {
      ++out.malformed;
      continue;
    }
    h.counters.push_back({c.name(), c.labels(), c.value()});
  }
  h.batches_dropped = in.batches_dropped();
  h.items_dropped = in.items_dropped();
  h.queued_batches = in.queued_batches();
  return h;
}

}  // namespace

DecodedBatch DecodeBatch(const v1::Batch& batch, const DecodeOptions& options) {
  DecodedBatch out;
  out.sequence = batch.sequence();
  out.full_snapshot = batch.full_snapshot();
  out.endpoints.reserve(static_cast<size_t>(batch.endpoints_size()));
  for (const v1::Endpoint& e : batch.endpoints()) DecodeEndpoint(e, options, out);
  for (const std::string& id : batch.removed_endpoint_ids()) {
    if (ValidId(id)) {
      out.removed_endpoint_ids.push_back(id);
    } else {
      ++out.malformed;
    }
  }
  for (const v1::Service& s : batch.services()) DecodeService(s, out);
  for (const v1::Finding& f : batch.findings()) DecodeFinding(f, out);
  if (batch.has_heartbeat()) out.heartbeat = DecodeHeartbeat(batch.heartbeat(), out);
  out.exchange_count = static_cast<uint64_t>(batch.exchanges_size());
  if (options.exchanges) {
    out.exchanges.reserve(static_cast<size_t>(batch.exchanges_size()));
    for (const v1::Exchange& e : batch.exchanges()) {
      out.exchanges.push_back(
          std::make_shared<const exporters::ExportItem>(ToExchangeSummary(e, out)));
    }
  }
  return out;
}

exporters::ExchangeSummary ToExchangeSummary(const v1::Exchange& e, DecodedBatch& batch) {
  // The same bounds the agent applies when it summarises an exchange itself.
  auto cut = [](const std::string& s, size_t max) { return s.substr(0, max); };
  exporters::ExchangeSummary s;
  s.time_ns = e.time_unix_ns();
  s.latency_ns = e.latency_ns();
  s.service = cut(e.service(), kMaxTextBytes);
  s.method = cut(e.method(), 64);
  s.path = cut(e.path(), kMaxTextBytes);
  s.endpoint_state = cut(e.endpoint_state(), 32);
  s.host = cut(e.host(), 255);
  s.protocol = cut(e.protocol(), 32);
  s.tls = e.tls();
  s.client_ip = cut(e.client_ip(), 64);
  s.client_port = Port(e.client_port());
  s.server_ip = cut(e.server_ip(), 64);
  s.server_port = Port(e.server_port());
  s.caller = cut(e.caller(), kMaxTextBytes);
  s.process = cut(e.process(), 64);
  s.pid = e.pid();
  s.user_agent = cut(e.user_agent(), 256);
  s.auth = cut(e.auth(), 32);
  s.has_response = e.has_response();
  s.status = static_cast<uint16_t>(std::min<uint32_t>(e.status(), 999));
  s.request_body_bytes = e.request_body_bytes();
  s.response_body_bytes = e.response_body_bytes();
  DecodeWorkload(e.k8s(), s.k8s, batch);
  DecodeWorkload(e.caller_k8s(), s.caller_k8s, batch);
  return s;
}

}  // namespace apisensor::collector
