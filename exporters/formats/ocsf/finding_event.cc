#include "exporters/formats/ocsf/finding_event.h"

#include <string>
#include <utility>
#include <vector>

namespace apisensor::exporters::ocsf {
namespace {

constexpr EventClass kDetectionFinding = {2004, "Detection Finding", 2, "Findings"};

EnumValue SeverityOf(findings::Severity severity) {
  switch (severity) {
    case findings::Severity::kInfo:
      return {1, "Informational"};
    case findings::Severity::kLow:
      return {2, "Low"};
    case findings::Severity::kMedium:
      return {3, "Medium"};
    case findings::Severity::kHigh:
      return {4, "High"};
    case findings::Severity::kCritical:
      return {5, "Critical"};
  }
  return {1, "Informational"};
}

// A finding seen once is new; any repeat is an update of the same finding (same uid).
EnumValue ActivityOf(const findings::Finding& f) {
  if (f.count <= 1 && f.first_seen_ns == f.last_seen_ns) return {1, "Create"};
  return {2, "Update"};
}

void WriteFindingInfo(JsonOut& out, const findings::Finding& f) {
  out.StartObject("finding_info");
  out.Member("uid", f.id);
  out.MemberIfSet("title", f.title);
  out.MemberIfSet("desc", f.description);
  if (!f.type.empty()) {
    out.StartArray("types");
    out.String(f.type);
    out.EndArray();
  }
  out.IntMember("first_seen_time", NsToMs(f.first_seen_ns));
  out.IntMember("last_seen_time", NsToMs(f.last_seen_ns));
  // The detector that raised it: apisensor's detectors are rules over observed traffic.
  out.StartObject("analytic");
  out.MemberIfSet("uid", f.type);
  out.MemberIfSet("name", f.type);
  out.IntMember("type_id", 1);
  out.Member("type", "Rule");
  out.EndObject();
  if (!f.owasp.empty()) {
    out.StartArray("tags");
    out.StartObject();
    out.Member("name", "owasp_api_top10");
    out.Member("value", f.owasp);
    out.EndObject();
    out.EndArray();
  }
  out.EndObject();
}

// A Kubernetes workload as a resource's namespace and labels ("k8s_workload:checkout",
// "k8s_workload_kind:Deployment"), so a SIEM can filter by namespace without parsing names.
void WriteWorkloadOfResource(JsonOut& out, const k8s::WorkloadIdentity& workload) {
  if (!workload.known()) return;
  out.Member("namespace", workload.namespace_name);
  out.StartArray("labels");
  out.String("k8s_workload:" + workload.name);
  out.String("k8s_workload_kind:" + workload.kind);
  out.EndArray();
}

// The endpoint (or, for a service-wide finding, the service) the finding is about, and the
// caller's workload when it is one of the cluster's.
void WriteResources(JsonOut& out, const findings::Finding& f) {
  if (f.endpoint.empty() && f.service.empty()) return;
  out.StartArray("resources");
  out.StartObject();
  if (!f.endpoint.empty()) {
    out.Member("type", "api_endpoint");
    out.Member("name", f.endpoint);
    out.Member("uid", f.service.empty() ? f.endpoint : f.service + " " + f.endpoint);
    if (!f.service.empty()) {
      out.StartObject("group");
      out.Member("name", f.service);
      out.EndObject();
    }
  } else {
    out.Member("type", "service");
    out.Member("name", f.service);
    out.Member("uid", f.service);
  }
  WriteWorkloadOfResource(out, f.k8s);
  out.IntMember("role_id", 1);
  out.Member("role", "Target");
  out.EndObject();
  if (f.caller_k8s.known()) {
    out.StartObject();
    out.Member("type", f.caller_k8s.kind == "Service" ? "k8s_service" : "k8s_workload");
    out.Member("name", f.caller_k8s.name);
    out.Member("uid", f.caller_k8s.namespace_name + "/" + f.caller_k8s.name);
    WriteWorkloadOfResource(out, f.caller_k8s);
    out.IntMember("role_id", 2);
    out.Member("role", "Actor");
    out.EndObject();
  }
  out.EndArray();
}

// Repeated evidence keys are joined so the data object has each key once.
std::vector<std::pair<std::string, std::string>> MergedEvidence(const findings::Finding& f) {
  std::vector<std::pair<std::string, std::string>> merged;
  for (const auto& [key, value] : f.evidence) {
    auto it = merged.begin();
    while (it != merged.end() && it->first != key) ++it;
    if (it == merged.end()) {
      merged.emplace_back(key, value);
    } else {
      it->second += ", " + value;
    }
  }
  return merged;
}

// What was observed: the call (service and endpoint), who made it, and the detector's evidence
// (already redacted: credentials are fingerprints).
void WriteEvidences(JsonOut& out, const findings::Finding& f) {
  if (f.endpoint.empty() && f.caller.empty() && f.evidence.empty()) return;
  out.StartArray("evidences");
  out.StartObject();
  if (!f.endpoint.empty()) {
    out.StartObject("api");
    out.Member("operation", f.endpoint);
    if (!f.service.empty()) {
      out.StartObject("service");
      out.Member("name", f.service);
      out.EndObject();
    }
    out.EndObject();
  }
  if (!f.caller.empty()) {
    out.StartObject("src_endpoint");
    out.Member("name", f.caller);
    if (IsIpAddress(f.caller)) out.Member("ip", f.caller);
    out.EndObject();
  }
  if (!f.evidence.empty()) {
    out.StartObject("data");
    for (const auto& [key, value] : MergedEvidence(f)) out.Member(key, value);
    out.EndObject();
  }
  out.EndObject();
  out.EndArray();
}

}  // namespace

void WriteDetectionFinding(JsonOut& out, const findings::Finding& f, const FormatOptions& options) {
  out.StartObject();
  WriteClassification(out, kDetectionFinding, ActivityOf(f));
  const EnumValue severity = SeverityOf(f.severity);
  out.IntMember("severity_id", severity.id);
  out.Member("severity", severity.caption);
  // apisensor does not track triage: every finding it reports is open.
  out.IntMember("status_id", 1);
  out.Member("status", "New");
  out.IntMember("time", NsToMs(f.last_seen_ns));
  out.IntMember("start_time", NsToMs(f.first_seen_ns));
  out.IntMember("end_time", NsToMs(f.last_seen_ns));
  out.IntMember("timezone_offset", 0);
  out.Int32Member("count", f.count);
  out.MemberIfSet("message", f.title.empty() ? f.type : f.title);
  out.BoolMember("is_alert", true);
  WriteFindingInfo(out, f);
  WriteMetadata(out, options, "findings", f.id, /*host_profile=*/false);
  WriteDevice(out, options);
  WriteResources(out, f);
  WriteEvidences(out, f);
  out.EndObject();
}

}  // namespace apisensor::exporters::ocsf
