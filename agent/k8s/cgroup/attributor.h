// Fills an exchange's K8sIdentity on the pipeline thread: the process's container and pod from
// its cgroup id (cached, see CgroupResolver), the pod's metadata and the remote address's pod or
// Service from the PodDirectory when one is set (nullptr in host mode, where only the container
// is known). No lookup blocks: the directory answers from snapshots.
#pragma once

#include <cstdint>
#include <optional>

#include "agent/exchange/exchange_record.h"
#include "agent/k8s/cgroup/cgroup_resolver.h"
#include "agent/k8s/pod_directory.h"

namespace apisensor::k8s {

struct AttributionOptions {
  bool containers = true;  // resolve cgroup ids to containers and pods (host mode too)
  CgroupResolverOptions cgroups;
  const PodDirectory* pods = nullptr;  // must outlive the Attributor; nullptr in host mode
};

struct AttributionStats {
  uint64_t pods_known = 0;     // exchanges whose own pod the directory knew
  uint64_t pods_unknown = 0;   // a pod UID from the cgroup, not (yet) in the directory
  uint64_t pods_by_ip = 0;     // own pod found by local address (no usable cgroup)
  uint64_t peers_pod = 0;      // remote address resolved to a pod
  uint64_t peers_service = 0;  // remote address resolved to a Service
};

class Attributor {
 public:
  explicit Attributor(const AttributionOptions& options);

  // Overwrites `out`. `now_ns`: any non-decreasing clock (the cache's TTL).
  void Attribute(const ProcessIdentity& process, const SocketAddress& local,
                 const SocketAddress& remote, uint64_t now_ns, K8sIdentity& out);

  const CgroupResolver* resolver() const { return resolver_ ? &*resolver_ : nullptr; }
  const AttributionStats& stats() const { return stats_; }

 private:
  const PodDirectory* pods_;
  std::optional<CgroupResolver> resolver_;  // empty when containers are not attributed
  AttributionStats stats_;
};

}  // namespace apisensor::k8s
