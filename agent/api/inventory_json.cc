#include "agent/api/inventory_json.h"

#include <rapidjson/document.h>

#include <cmath>

#include "exporters/json/rfc3339.h"

namespace apisensor::api {
namespace {

void WriteNames(JsonWriter& w, const inventory::CountedNames& names) {
  w.StartArray();
  for (const inventory::CountedName& n : names.entries()) WriteString(w, n.name);
  w.EndArray();
}

void WriteNameCounts(JsonWriter& w, const inventory::CountedNames& names) {
  w.StartObject();
  for (const inventory::CountedName& n : names.entries()) {
    WriteString(w, n.name);
    w.Uint64(n.count);
  }
  w.EndObject();
}

void WriteKinds(JsonWriter& w, sensitive::KindSet kinds) {
  w.StartArray();
  for (size_t i = 0; i < sensitive::kKindCount; ++i) {
    const auto kind = static_cast<sensitive::Kind>(i);
    if (kinds.Has(kind)) WriteString(w, sensitive::KindName(kind));
  }
  w.EndArray();
}

// Rounded to 3 decimals: the API reports shares, not floating-point noise.
void WriteShare(JsonWriter& w, double share) { w.Double(std::round(share * 1000) / 1000); }

void WriteDirection(JsonWriter& w, const inventory::DirectionStats& d, bool detail) {
  w.StartObject();
  w.Key("messages");
  w.Uint64(d.messages);
  w.Key("bytes_avg");
  w.Uint64(d.messages ? d.body_bytes / d.messages : 0);
  w.Key("bytes_max");
  w.Uint64(d.max_body_bytes);
  w.Key("content_types");
  WriteNames(w, d.content_types);
  w.Key("sensitive");
  WriteKinds(w, d.sensitive);
  if (detail) {
    w.Key("schema");
    if (d.schema.empty()) {
      w.Null();
    } else {
      const std::string schema = d.schema.ToJsonSchema();
      w.RawValue(schema.data(), schema.size(), rapidjson::kObjectType);
    }
  }
  w.EndObject();
}

}  // namespace

void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteWorkload(JsonWriter& w, const char* key, const k8s::WorkloadIdentity& workload) {
  if (!workload.known()) return;
  w.Key(key);
  w.StartObject();
  w.Key("namespace");
  WriteString(w, workload.namespace_name);
  w.Key("workload");
  WriteString(w, workload.name);
  w.Key("workload_kind");
  WriteString(w, workload.kind);
  w.EndObject();
}

void WriteTime(JsonWriter& w, uint64_t unix_ns) {
  if (unix_ns == 0) {
    w.Null();
    return;
  }
  char text[exporters::kRfc3339NanosSize];
  WriteString(w, exporters::FormatRfc3339Nanos(unix_ns, text));
}

void WriteEndpoint(JsonWriter& w, const inventory::EndpointView& e, bool detail) {
  const inventory::EndpointStats& s = e.stats;
  w.StartObject();
  w.Key("id");
  WriteString(w, e.id);
  w.Key("service");
  WriteString(w, e.service);
  w.Key("method");
  WriteString(w, e.method);
  w.Key("path");
  WriteString(w, e.path);
  WriteWorkload(w, "k8s", e.k8s);
  w.Key("state");
  WriteString(w, inventory::EndpointStateName(e.state));
  w.Key("requests");
  w.Uint64(s.requests);
  w.Key("status_codes");
  w.StartObject();
  for (const inventory::StatusCount& c : s.status_codes) {
    if (c.status == 0) continue;
    const std::string code = std::to_string(c.status);
    WriteString(w, code);
    w.Uint64(c.count);
  }
  w.EndObject();
  w.Key("no_response");
  uint64_t no_response = 0;
  for (const inventory::StatusCount& c : s.status_codes) {
    if (c.status == 0) no_response = c.count;
  }
  w.Uint64(no_response);
  w.Key("auth_schemes");
  w.StartObject();
  for (size_t i = 0; i < s.auth.size(); ++i) {
    if (s.auth[i] == 0) continue;
    WriteString(w, secrets::AuthKindName(static_cast<secrets::AuthKind>(i)));
    w.Uint64(s.auth[i]);
  }
  w.EndObject();
  w.Key("unauthenticated_share");
  WriteShare(w, s.unauthenticated_share());
  w.Key("sensitive");
  sensitive::KindSet all = s.request.sensitive;
  all.Merge(s.response.sensitive);
  WriteKinds(w, all);
  w.Key("first_seen");
  WriteTime(w, s.first_seen_ns);
  w.Key("last_seen");
  WriteTime(w, s.last_seen_ns);
  w.Key("latency_ms");
  if (s.latency.count() == 0) {
    w.Null();
  } else {
    w.StartObject();
    for (auto [name, q] : {std::pair{"p50", 0.5}, {"p95", 0.95}, {"p99", 0.99}}) {
      w.Key(name);
      w.Double(std::round(static_cast<double>(s.latency.Quantile(q)) / 1e3) / 1e3);
    }
    w.EndObject();
  }
  w.Key("protocols");
  WriteNames(w, s.protocols);
  w.Key("tls_share");
  WriteShare(w, s.requests ? static_cast<double>(s.tls) / static_cast<double>(s.requests) : 0);
  if (s.partial) {
    w.Key("partial");
    w.Uint64(s.partial);
  }
  if (!s.grpc_status.entries().empty()) {
    w.Key("grpc_status");
    WriteNameCounts(w, s.grpc_status);
  }
  w.Key("query_params");
  WriteNames(w, s.query_params);
  w.Key("auth_carriers");
  WriteNames(w, s.auth_carriers);
  if (!s.jwt_algs.entries().empty()) {
    w.Key("jwt");
    w.StartObject();
    w.Key("algs");
    WriteNameCounts(w, s.jwt_algs);
    w.Key("issuers");
    WriteNames(w, s.jwt_issuers);
    w.EndObject();
  }
  w.Key("request");
  WriteDirection(w, s.request, detail);
  w.Key("response");
  WriteDirection(w, s.response, detail);
  w.Key("callers");
  w.StartArray();
  for (const inventory::TopCallers::Entry& c : s.callers.Top(detail ? 16 : 5)) {
    w.StartObject();
    w.Key("caller");
    WriteString(w, c.caller);
    w.Key("count");
    w.Uint64(c.count);
    w.EndObject();
  }
  w.EndArray();
  if (e.state != inventory::EndpointState::kShadow) {
    w.Key("declared");
    w.StartObject();
    w.Key("deprecated");
    w.Bool(e.declared.deprecated);
    w.Key("removed");
    w.Bool(e.declared.removed);
    w.Key("secured");
    w.Bool(e.declared.secured);
    w.Key("operation_id");
    WriteString(w, e.declared.operation_id);
    w.Key("spec");
    WriteString(w, e.declared.spec);
    w.EndObject();
  }
  w.EndObject();
}

void WriteService(JsonWriter& w, const inventory::ServiceView& s) {
  w.StartObject();
  w.Key("name");
  WriteString(w, s.name);
  w.Key("kind");
  WriteString(w, inventory::ServiceKindName(s.kind));
  w.Key("process");
  WriteString(w, s.process);
  w.Key("port");
  w.Uint(s.port);
  WriteWorkload(w, "k8s", s.k8s);
  w.Key("hosts");
  WriteNames(w, s.hosts);
  w.Key("endpoints");
  w.Uint64(s.endpoints);
  w.Key("endpoints_dropped");
  w.Uint64(s.endpoints_dropped);
  w.Key("requests");
  w.Uint64(s.requests);
  w.Key("first_seen");
  WriteTime(w, s.first_seen_ns);
  w.Key("last_seen");
  WriteTime(w, s.last_seen_ns);
  w.Key("specs");
  w.StartArray();
  for (const std::string& spec : s.specs) WriteString(w, spec);
  w.EndArray();
  w.EndObject();
}

void WriteFindingFields(JsonWriter& w, const findings::Finding& f) {
  w.Key("id");
  WriteString(w, f.id);
  w.Key("type");
  WriteString(w, f.type);
  w.Key("severity");
  WriteString(w, findings::SeverityName(f.severity));
  w.Key("owasp");
  WriteString(w, f.owasp);
  w.Key("title");
  WriteString(w, f.title);
  w.Key("description");
  WriteString(w, f.description);
  w.Key("service");
  WriteString(w, f.service);
  w.Key("endpoint");
  WriteString(w, f.endpoint);
  w.Key("caller");
  WriteString(w, f.caller);
  WriteWorkload(w, "k8s", f.k8s);
  WriteWorkload(w, "caller_k8s", f.caller_k8s);
  w.Key("first_seen");
  WriteTime(w, f.first_seen_ns);
  w.Key("last_seen");
  WriteTime(w, f.last_seen_ns);
  w.Key("count");
  w.Uint64(f.count);
  w.Key("evidence");
  w.StartObject();
  for (const auto& [key, value] : f.evidence) {
    WriteString(w, key);
    WriteString(w, value);
  }
  w.EndObject();
}

void WriteFinding(JsonWriter& w, const findings::Finding& f) {
  w.StartObject();
  WriteFindingFields(w, f);
  w.EndObject();
}

}  // namespace apisensor::api
