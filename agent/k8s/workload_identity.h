// A workload as the inventory and the findings name it: the pod's owner at the top of its chain
// (Deployment, StatefulSet, DaemonSet, Job, CronJob; "Pod" for a bare pod) or, for a peer known
// only by its ClusterIP, the Service. Plain strings so every consumer (store, API, collector,
// SIEM formats) can carry it without depending on the API watch.
#pragma once

#include <string>
#include <string_view>

#include "agent/k8s/pod_directory.h"

namespace apisensor::k8s {

struct WorkloadIdentity {
  std::string namespace_name;
  std::string name;  // "checkout"; the pod's name for a bare pod
  std::string kind;  // "Deployment", ..., "Pod", or "Service"

  bool known() const { return !namespace_name.empty() && !name.empty(); }
  void clear() {
    namespace_name.clear();
    name.clear();
    kind.clear();
  }
  bool operator==(const WorkloadIdentity&) const = default;
};

// Fills `out` (reusing its storage) from a pod; false, with `out` cleared, when the pod names no
// namespace or workload.
inline bool AssignWorkloadIdentity(const PodMetadata* pod, WorkloadIdentity& out) {
  out.clear();
  if (pod == nullptr || pod->namespace_name.empty()) return false;
  const std::string& name = pod->workload.empty() ? pod->name : pod->workload;
  if (name.empty()) return false;
  out.namespace_name.assign(pod->namespace_name);
  out.name.assign(name);
  out.kind.assign(pod->workload.empty() || pod->workload_kind.empty() ? "Pod" : pod->workload_kind);
  return true;
}

inline bool AssignWorkloadIdentity(const ServiceMetadata* service, WorkloadIdentity& out) {
  out.clear();
  if (service == nullptr || service->namespace_name.empty() || service->name.empty()) return false;
  out.namespace_name.assign(service->namespace_name);
  out.name.assign(service->name);
  out.kind.assign("Service");
  return true;
}

// "namespace/name/kind", or "" when unknown: the stores' column text. Kubernetes names are DNS
// labels or subdomains and kinds are words, so none holds a '/'.
inline std::string WorkloadText(const WorkloadIdentity& workload) {
  if (!workload.known()) return {};
  return workload.namespace_name + '/' + workload.name + '/' + workload.kind;
}

// False (with `out` cleared) for text WorkloadText would not write; "" is a valid unknown.
inline bool ParseWorkloadText(std::string_view text, WorkloadIdentity& out) {
  out.clear();
  if (text.empty()) return true;
  const size_t first = text.find('/');
  const size_t second = first == std::string_view::npos ? first : text.find('/', first + 1);
  if (second == std::string_view::npos || text.find('/', second + 1) != std::string_view::npos ||
      first == 0 || second == first + 1) {
    return false;
  }
  out.namespace_name.assign(text.substr(0, first));
  out.name.assign(text.substr(first + 1, second - first - 1));
  out.kind.assign(text.substr(second + 1));
  return true;
}

}  // namespace apisensor::k8s
