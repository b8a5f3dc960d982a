// The whole directory as sorted lines, so a test states its exact expected content.
#pragma once

#include <string>
#include <vector>

#include "agent/k8s/api/kube_directory.h"
#include "agent/metrics/counters.h"

namespace apisensor::testing {

inline std::string DumpPod(const k8s::PodMetadata& p) {
  std::string line = p.namespace_name + "/" + p.name + " uid=" + p.uid + " node=" + p.node +
                     " ip=" + p.ip + " " + p.workload_kind + "/" + p.workload;
  if (!p.service_account.empty()) line += " sa=" + p.service_account;
  if (p.host_network) line += " hostNetwork";
  if (!p.labels.empty()) {
    line += " labels=";
    bool first = true;
    for (const auto& [key, value] : p.labels) {
      line += (first ? "" : ",") + key + "=" + value;
      first = false;
    }
  }
  return line;
}

inline std::vector<std::string> Dump(const k8s::api::DirectoryContent& c) {
  std::vector<std::string> out;
  for (const auto& e : c.local_pods) out.push_back("local " + DumpPod(*e.meta));
  for (const auto& e : c.remote_pods) out.push_back("remote " + DumpPod(*e.meta));
  for (const auto& e : c.services) {
    out.push_back("service " + e.meta->namespace_name + "/" + e.meta->name + " " +
                  e.meta->cluster_ip);
  }
  for (const auto& [ip, pod] : c.pod_ips) out.push_back("pod-ip " + ip + " " + pod);
  for (const auto& [ip, svc] : c.service_ips) out.push_back("service-ip " + ip + " " + svc);
  return out;
}

inline std::vector<std::string> Dump(const k8s::api::KubeDirectory& d) { return Dump(d.Content()); }

// The value of counter `name` with exactly these labels; -1 when absent.
inline int64_t CounterValue(const std::vector<metrics::Counter>& counters, const std::string& name,
                            const std::string& labels = "") {
  for (const metrics::Counter& c : counters) {
    if (c.name == name && c.labels == labels) return static_cast<int64_t>(c.value);
  }
  return -1;
}

}  // namespace apisensor::testing
