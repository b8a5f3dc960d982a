#include "agent/k8s/cgroup/attributor.h"

#include <string_view>

namespace apisensor::k8s {
namespace {

// A pod on the host's network shares the node's address: its IP names no one in particular.
std::shared_ptr<const PodMetadata> PodByAddress(const PodDirectory& pods,
                                                const SocketAddress& address) {
  char text[SocketAddress::kAddressTextSize];
  const std::string_view ip = address.FormatAddress(text);
  if (ip.empty()) return nullptr;
  std::shared_ptr<const PodMetadata> pod = pods.PodByIp(ip);
  if (pod && pod->host_network) return nullptr;
  return pod;
}

}  // namespace

Attributor::Attributor(const AttributionOptions& options) : pods_(options.pods) {
  if (options.containers) resolver_.emplace(options.cgroups);
}

void Attributor::Attribute(const ProcessIdentity& process, const SocketAddress& local,
                           const SocketAddress& remote, uint64_t now_ns, K8sIdentity& out) {
  out.container = resolver_ ? resolver_->Resolve(process.cgroup_id, process.pid, now_ns) : nullptr;
  out.pod = nullptr;
  out.peer_pod = nullptr;
  out.peer_service = nullptr;
  if (pods_ == nullptr) return;

  if (out.container && !out.container->pod_uid.empty()) {
    out.pod = pods_->PodByUid(out.container->pod_uid);
    ++(out.pod ? stats_.pods_known : stats_.pods_unknown);
  } else if ((out.pod = PodByAddress(*pods_, local))) {
    // No pod cgroup (an unreadable cgroup tree, a runtime we do not parse): a pod's own address
    // still names it, unless it is on the host's network.
    ++stats_.pods_by_ip;
  }
  if ((out.peer_pod = PodByAddress(*pods_, remote))) {
    ++stats_.peers_pod;
    return;
  }
  char text[SocketAddress::kAddressTextSize];
  const std::string_view ip = remote.FormatAddress(text);
  if (!ip.empty() && (out.peer_service = pods_->ServiceByIp(ip))) ++stats_.peers_service;
}

}  // namespace apisensor::k8s
