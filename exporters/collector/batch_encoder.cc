#include "exporters/collector/batch_encoder.h"

#include <google/protobuf/io/coded_stream.h>

#include "agent/inventory/endpoint_codec.h"
#include "exporters/json/utf8.h"

namespace apisensor::exporters {
namespace {

// Room for the AgentMessage and Batch framing around what ByteSizeLong counts of the batch.
constexpr size_t kFramingSlack = 32;

size_t FieldSize(size_t payload) {
  return 1 + google::protobuf::io::CodedOutputStream::VarintSize64(payload) + payload;
}

// Sets the message's workload field only when the workload is known (unset outside Kubernetes).
template <typename Message>
void SetWorkload(const k8s::WorkloadIdentity& workload, Message& out,
                 collector_v1::Workload* (Message::*mutable_field)()) {
  if (!workload.known()) return;
  collector_v1::Workload* w = (out.*mutable_field)();
  w->set_namespace_name(Utf8(workload.namespace_name));
  w->set_name(Utf8(workload.name));
  w->set_kind(Utf8(workload.kind));
}

}  // namespace

std::string Utf8(std::string_view text) {
  std::string scratch;
  return std::string(ValidUtf8(text, scratch));
}

void ToProto(const inventory::EndpointView& view, collector_v1::Endpoint& out) {
  out.set_id(Utf8(view.id));
  out.set_service(Utf8(view.service));
  out.set_method(Utf8(view.method));
  out.set_path(Utf8(view.path));
  out.set_state(std::string(inventory::EndpointStateName(view.state)));
  if (view.state != inventory::EndpointState::kShadow) {
    collector_v1::DeclaredInfo* d = out.mutable_declared();
    d->set_deprecated(view.declared.deprecated);
    d->set_removed(view.declared.removed);
    d->set_secured(view.declared.secured);
    d->set_operation_id(Utf8(view.declared.operation_id));
    d->set_spec(Utf8(view.declared.spec));
  }
  out.set_stats_codec_version(inventory::kEndpointCodecVersion);
  out.set_stats(inventory::EncodeEndpointStats(view.stats));
  SetWorkload(view.k8s, out, &collector_v1::Endpoint::mutable_k8s);
}

void ToProto(const inventory::ServiceView& view, collector_v1::Service& out) {
  out.set_name(Utf8(view.name));
  out.set_kind(std::string(inventory::ServiceKindName(view.kind)));
  out.set_process(Utf8(view.process));
  out.set_port(view.port);
  for (const inventory::CountedName& host : view.hosts.entries()) out.add_hosts(Utf8(host.name));
  out.set_requests(view.requests);
  out.set_first_seen_unix_ns(view.first_seen_ns);
  out.set_last_seen_unix_ns(view.last_seen_ns);
  for (const std::string& spec : view.specs) out.add_specs(Utf8(spec));
  out.set_endpoints_dropped(view.endpoints_dropped);
  SetWorkload(view.k8s, out, &collector_v1::Service::mutable_k8s);
}

void ToProto(const findings::Finding& f, collector_v1::Finding& out) {
  out.set_id(Utf8(f.id));
  out.set_type(Utf8(f.type));
  // The protocol's enum lists the severities in the same order.
  out.set_severity(static_cast<collector_v1::Severity>(f.severity));
  out.set_owasp(Utf8(f.owasp));
  out.set_title(Utf8(f.title));
  out.set_description(Utf8(f.description));
  out.set_service(Utf8(f.service));
  out.set_endpoint(Utf8(f.endpoint));
  out.set_caller(Utf8(f.caller));
  out.set_first_seen_unix_ns(f.first_seen_ns);
  out.set_last_seen_unix_ns(f.last_seen_ns);
  out.set_count(f.count);
  for (const auto& [key, value] : f.evidence) {
    collector_v1::Evidence* e = out.add_evidence();
    e->set_key(Utf8(key));
    e->set_value(Utf8(value));
  }
  SetWorkload(f.k8s, out, &collector_v1::Finding::mutable_k8s);
  SetWorkload(f.caller_k8s, out, &collector_v1::Finding::mutable_caller_k8s);
}

void ToProto(const ExchangeSummary& s, collector_v1::Exchange& out) {
  out.set_time_unix_ns(s.time_ns);
  out.set_latency_ns(s.latency_ns);
  out.set_service(Utf8(s.service));
  out.set_method(Utf8(s.method));
  out.set_path(Utf8(s.path));
  out.set_endpoint_state(Utf8(s.endpoint_state));
  out.set_host(Utf8(s.host));
  out.set_protocol(Utf8(s.protocol));
  out.set_tls(s.tls);
  out.set_client_ip(Utf8(s.client_ip));
  out.set_client_port(s.client_port);
  out.set_server_ip(Utf8(s.server_ip));
  out.set_server_port(s.server_port);
  out.set_caller(Utf8(s.caller));
  out.set_process(Utf8(s.process));
  out.set_pid(s.pid);
  out.set_user_agent(Utf8(s.user_agent));
  out.set_auth(Utf8(s.auth));
  out.set_has_response(s.has_response);
  out.set_status(s.status);
  out.set_request_body_bytes(s.request_body_bytes);
  out.set_response_body_bytes(s.response_body_bytes);
  SetWorkload(s.k8s, out, &collector_v1::Exchange::mutable_k8s);
  SetWorkload(s.caller_k8s, out, &collector_v1::Exchange::mutable_caller_k8s);
}

std::vector<EncodedBatch> BatchEncoder::Encode(PublishMaterials& m, const HeartbeatInfo& hb,
                                               uint64_t first_sequence) {
  std::vector<EncodedBatch> out;
  collector_v1::AgentMessage message;
  collector_v1::Batch* batch = message.mutable_batch();
  uint64_t sequence = first_sequence;
  batch->set_sequence(sequence);
  batch->set_full_snapshot(m.full_snapshot);

  for (const auto& endpoint : m.endpoints) ToProto(*endpoint, *batch->add_endpoints());
  for (const std::string& id : m.removed_ids) batch->add_removed_endpoint_ids(Utf8(id));
  for (const inventory::ServiceView& service : m.services) ToProto(service, *batch->add_services());

  for (const findings::Finding& f : m.findings) {
    auto it = findings_.find(f.id);
    if (it == findings_.end() && findings_.size() >= max_tracked_findings_) {
      ++findings_untracked_;
      ToProto(f, *batch->add_findings());
      continue;
    }
    collector_v1::Finding& tracked = findings_[f.id];
    tracked.Clear();
    ToProto(f, tracked);
    if (!m.full_snapshot) *batch->add_findings() = tracked;
  }
  if (m.full_snapshot) {
    for (const auto& [id, tracked] : findings_) *batch->add_findings() = tracked;
  }

  if (m.heartbeat) {
    collector_v1::Heartbeat* h = batch->mutable_heartbeat();
    h->set_time_unix_ns(m.now_unix_ns);
    h->set_version(Utf8(hb.version));
    for (const metrics::Counter& c : hb.counters) {
      collector_v1::Counter* pc = h->add_counters();
      pc->set_name(Utf8(c.name));
      pc->set_labels(Utf8(c.labels));
      pc->set_value(c.value);
    }
    h->set_batches_dropped(hb.batches_dropped);
    h->set_items_dropped(hb.items_dropped);
    h->set_queued_batches(hb.queued_batches);
  }

  size_t items = static_cast<size_t>(batch->endpoints_size() + batch->removed_endpoint_ids_size() +
                                     batch->services_size() + batch->findings_size());
  size_t size = message.ByteSizeLong() + kFramingSlack;
  auto flush = [&] {
    EncodedBatch& e = out.emplace_back();
    e.full_snapshot = batch->full_snapshot();
    e.items = items;
    message.SerializeToString(&e.message);
  };
  for (const ExchangeSummary& s : m.exchanges) {
    collector_v1::Exchange exchange;
    ToProto(s, exchange);
    const size_t add = FieldSize(exchange.ByteSizeLong());
    if (size + add > max_batch_bytes_ && items > 0) {
      flush();
      message.Clear();
      batch = message.mutable_batch();
      batch->set_sequence(++sequence);
      items = 0;
      size = message.ByteSizeLong() + kFramingSlack;
    }
    batch->mutable_exchanges()->Add(std::move(exchange));
    size += add;
    ++items;
  }
  flush();
  return out;
}

}  // namespace apisensor::exporters
