// Who a cgroup belongs to, as far as its path tells: the container runtime, the container id and
// the Kubernetes pod UID. Shared read-only between the resolver's cache and the exchange records
// that point at it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace apisensor::k8s {

enum class ContainerRuntime : uint8_t { kUnknown, kContainerd, kCrio, kDocker, kPodman };

// The pod's QoS class, which the kubelet encodes in the pod cgroup's place.
enum class QosClass : uint8_t { kNone, kGuaranteed, kBurstable, kBestEffort };

// "" for kUnknown: the cgroupfs driver names a container by its bare id, whatever runs it.
constexpr std::string_view RuntimeName(ContainerRuntime runtime) {
  switch (runtime) {
    case ContainerRuntime::kContainerd:
      return "containerd";
    case ContainerRuntime::kCrio:
      return "cri-o";
    case ContainerRuntime::kDocker:
      return "docker";
    case ContainerRuntime::kPodman:
      return "podman";
    case ContainerRuntime::kUnknown:
      break;
  }
  return "";
}

// Spelled as the pod's status.qosClass; "" for kNone.
constexpr std::string_view QosClassName(QosClass qos) {
  switch (qos) {
    case QosClass::kGuaranteed:
      return "Guaranteed";
    case QosClass::kBurstable:
      return "Burstable";
    case QosClass::kBestEffort:
      return "BestEffort";
    case QosClass::kNone:
      break;
  }
  return "";
}

struct ContainerIdentity {
  ContainerRuntime runtime = ContainerRuntime::kUnknown;
  std::string container_id;  // 64 lower-case hex digits; "" for a pod's own cgroup
  std::string pod_uid;       // with dashes, as metadata.uid; "" outside Kubernetes
  QosClass qos = QosClass::kNone;

  bool operator==(const ContainerIdentity&) const = default;
};

}  // namespace apisensor::k8s
