// The PodDirectory the watcher fills: this node's pods (full metadata), other nodes' pods (by
// address only) and Services (by ClusterIP), each table capped, with every refused entry counted.
//
// Lookups take the lock for one hash lookup and return the entry's shared_ptr, an immutable
// snapshot that stays valid after the entry changes. Writers never hold the lock across network
// I/O; a cluster-wide relist builds its new table outside the lock and swaps it in. A plain
// mutex rather than a reader-writer lock: glibc's prefers readers, and a busy reader would starve
// the watch threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/k8s/pod_directory.h"

namespace apisensor::k8s::api {

struct DirectoryCaps {
  size_t local_pods = 1024;     // kubelet's default is 110 pods per node
  size_t remote_pods = 50'000;  // about 200 bytes each
  size_t services = 20'000;
};

struct DirectoryStats {
  uint64_t local_pods = 0;
  uint64_t remote_pods = 0;
  uint64_t services = 0;
  uint64_t local_pods_dropped = 0;  // refused by the cap
  uint64_t remote_pods_dropped = 0;
  uint64_t services_dropped = 0;
};

// This node's pods, or other nodes' pods.
enum class PodScope { kLocal, kRemote };

struct PodEntry {
  std::shared_ptr<const PodMetadata> meta;
  std::vector<std::string> ips;  // the addresses that identify it (none for host network)
  // The UID the node's cgroups know the pod by, when not meta->uid: a static pod's mirror in the
  // API has its own UID, and the kubelet's config hash (its `kubernetes.io/config.mirror`
  // annotation) names the pod's cgroup.
  std::string cgroup_uid;
};

struct ServiceEntry {
  std::shared_ptr<const ServiceMetadata> meta;
  std::vector<std::string> ips;
};

// Everything the directory holds, sorted: for tests, debugging and status pages.
struct DirectoryContent {
  std::vector<PodEntry> local_pods;   // by namespace, then name
  std::vector<PodEntry> remote_pods;  // by namespace, then name
  std::vector<ServiceEntry> services;
  std::map<std::string, std::string> pod_ips;      // address → "namespace/name" of its pod
  std::map<std::string, std::string> service_ips;  // address → "namespace/name"
};

class KubeDirectory final : public PodDirectory {
 public:
  explicit KubeDirectory(DirectoryCaps caps = {});

  // This node's pods first, then other nodes'.
  std::shared_ptr<const PodMetadata> PodByUid(std::string_view uid) const override;
  // Also accepts IPv4-mapped IPv6 ("::ffff:10.1.2.3"), as dual-stack sockets report peers.
  std::shared_ptr<const PodMetadata> PodByIp(std::string_view ip) const override;
  std::shared_ptr<const ServiceMetadata> ServiceByIp(std::string_view ip) const override;

  // Replaces every pod of `scope` in namespace `ns` ("" for all namespaces) with `pods`;
  // `dropped_before` counts pods the caller already left out for the cap.
  void ReplacePods(PodScope scope, std::string_view ns, std::vector<PodEntry> pods,
                   uint64_t dropped_before = 0);
  void UpsertPod(PodScope scope, PodEntry pod);
  void DeletePod(PodScope scope, std::string_view uid);

  void ReplaceServices(std::string_view ns, std::vector<ServiceEntry> services,
                       uint64_t dropped_before = 0);
  void UpsertService(ServiceEntry service);
  void DeleteService(std::string_view ns, std::string_view name);

  // A copy of every table (O(n)): never on the per-exchange path.
  DirectoryContent Content() const;

  size_t cap(PodScope scope) const;
  size_t service_cap() const { return caps_.services; }
  DirectoryStats stats() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using Map = std::unordered_map<std::string, V, Hash, std::equal_to<>>;

  struct PodTable {
    Map<PodEntry> by_uid;
    Map<std::shared_ptr<const PodMetadata>> by_ip;
    Map<std::string> uid_by_cgroup_uid;  // static pods: config hash -> the mirror's UID
    size_t cap = 0;
    uint64_t dropped = 0;
    void Upsert(PodEntry pod);
    void Erase(std::string_view uid);
  };
  struct ServiceTable {
    Map<ServiceEntry> by_name;  // "namespace/name"
    Map<std::shared_ptr<const ServiceMetadata>> by_ip;
    size_t cap = 0;
    uint64_t dropped = 0;
    void Upsert(ServiceEntry service);
    void Erase(std::string_view key);
  };

  PodTable& table(PodScope scope) { return scope == PodScope::kLocal ? local_ : remote_; }
  std::shared_ptr<const PodMetadata> PodByIpLocked(std::string_view ip) const;

  const DirectoryCaps caps_;
  mutable std::mutex mu_;
  PodTable local_;
  PodTable remote_;
  ServiceTable services_;
};

}  // namespace apisensor::k8s::api
