// Which service an exchange belongs to, and who called it. The server side names the service:
// `<comm>:<port>` of the listening process, or `namespace/workload` when Kubernetes attribution
// knows its pod. A client's call to a pod or Service of the cluster names the service after that
// peer (`namespace/workload`, `namespace/service`); to another host that is not this machine, it
// is an egress call: the service is that external API, named by the host its clients asked for.
// Callers read `namespace/workload` whenever their pod is known, else their address (served
// calls) or process name (egress).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "agent/exchange/exchange_record.h"
#include "agent/k8s/workload_identity.h"

namespace apisensor::inventory {

enum class ServiceKind : uint8_t { kLocal, kExternal };
std::string_view ServiceKindName(ServiceKind kind);  // "local", "external"

// The addresses of this host: loopback plus every interface address, refreshed on demand.
class LocalAddresses {
 public:
  LocalAddresses() { Refresh(); }
  void Refresh();
  bool IsLocal(const SocketAddress& address) const;
  // For tests: replaces the interface addresses (loopback always counts).
  void SetForTesting(std::vector<SocketAddress> addresses) { addresses_ = std::move(addresses); }

 private:
  std::vector<SocketAddress> addresses_;
};

struct ServiceOfExchange {
  ServiceKind kind = ServiceKind::kLocal;
  std::string name;     // "python3:8080", "api.stripe.com"
  std::string process;  // the serving process's comm ("" for external services)
  uint16_t port = 0;    // the port the service listens on
  std::string host;     // Host / :authority the client used, lower-case, "" if none
  std::string caller;   // the remote address for served calls, the calling process for egress
  bool workload_named = false;  // `name` is a Kubernetes `namespace/…`, never renamed by port
  k8s::WorkloadIdentity service_k8s;  // what `name` names when workload_named
  k8s::WorkloadIdentity caller_k8s;   // what `caller` names when the caller is in the cluster
};

// Fills `out` (reusing its storage); false when the exchange names no service.
bool IdentifyService(const ExchangeRecord& record, const LocalAddresses& local,
                     ServiceOfExchange& out);

}  // namespace apisensor::inventory
