// A pod's workload: the top of its owner chain. Pod → ReplicaSet → Deployment and
// Pod → Job → CronJob need the middle object, fetched with a GET and cached (owners do not
// change); StatefulSet and DaemonSet own their pods directly; a pod without a controller is its
// own workload ("Pod"). Other nodes' pods are resolved without requests (see Infer()), so the
// cluster-wide index costs the API server nothing per pod.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "agent/k8s/api/api_client.h"
#include "agent/k8s/api/k8s_objects.h"

namespace apisensor::k8s::api {

struct ResolverStats {
  uint64_t lookups = 0;        // GETs of ReplicaSets and Jobs
  uint64_t lookup_errors = 0;  // answered otherwise than 200 or 404, or not at all
  uint64_t cache_entries = 0;
  uint64_t cache_evictions = 0;  // entries dropped when the cache was full
};

class WorkloadResolver {
 public:
  using Log = std::function<void(const std::string&)>;

  // `client` may be null: then every pod is resolved by Infer().
  WorkloadResolver(ApiClient* client, size_t cache_cap, Log log);

  // Fills pod.meta.workload_kind and workload; GETs the owner when `query` (this node's pods).
  void Resolve(PodObject& pod, bool query);
  void ClearCache();
  ResolverStats stats() const;

  // Without requests: a ReplicaSet named "<name>-<pod-template-hash>" belongs to Deployment
  // <name> (the Deployment controller names them so); a Job stays a Job.
  static OwnerRef Infer(const PodObject& pod);

 private:
  // The top of the chain above `owner` from the cache or a GET; nullopt when unknown.
  std::optional<OwnerRef> Lookup(const std::string& ns, const OwnerRef& owner);

  ApiClient* const client_;
  const size_t cache_cap_;
  Log log_;
  std::mutex client_mu_;   // one request at a time on client_
  mutable std::mutex mu_;  // the cache and stats, never held across a request
  std::unordered_map<std::string, OwnerRef> cache_;  // "kind/namespace/name" → top owner
  std::atomic<bool> denied_replicasets_{false};      // 403 once: inferred from then on
  std::atomic<bool> denied_jobs_{false};
  ResolverStats stats_;
};

}  // namespace apisensor::k8s::api
