// What the agent knows of the Kubernetes objects on its node, as the rest of the agent sees it:
// pods by UID and by IP, Services by ClusterIP. Filled by the API watch (agent/k8s/api), read by
// the pipeline thread for every exchange, so lookups never block on the network and return
// immutable snapshots.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace apisensor::k8s {

struct PodMetadata {
  std::string uid;
  std::string namespace_name;
  std::string name;
  std::string node;
  std::string ip;               // status.podIP ("" before it has one)
  std::string workload_kind;    // Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet,
                                // or "Pod" for a bare pod
  std::string workload;         // the owner chain's top: "checkout" for Deployment checkout
  std::string service_account;  // spec.serviceAccountName
  std::map<std::string, std::string> labels;
  bool host_network = false;    // its IP is the node's: not an identity by address
};

struct ServiceMetadata {
  std::string namespace_name;
  std::string name;
  std::string cluster_ip;
};

class PodDirectory {
 public:
  virtual ~PodDirectory() = default;
  // nullptr when unknown.
  virtual std::shared_ptr<const PodMetadata> PodByUid(std::string_view uid) const = 0;
  virtual std::shared_ptr<const PodMetadata> PodByIp(std::string_view ip) const = 0;
  virtual std::shared_ptr<const ServiceMetadata> ServiceByIp(std::string_view ip) const = 0;
};

}  // namespace apisensor::k8s
