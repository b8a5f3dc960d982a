#include "agent/inventory/service_identity.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace apisensor::inventory {
namespace {

bool IsLoopback(const SocketAddress& a) {
  if (a.family == AF_INET) return a.addr[0] == 127;
  if (a.family == AF_INET6) {
    static constexpr std::array<uint8_t, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                           0, 0, 0, 0, 0, 0, 0, 1};
    return a.addr == kLoopback6;
  }
  return false;
}

bool SameHost(const SocketAddress& a, const SocketAddress& b) {
  return a.family == b.family &&
         std::memcmp(a.addr.data(), b.addr.data(), a.family == AF_INET ? 4 : 16) == 0;
}

void AppendPort(std::string& s, uint16_t port) {
  s.push_back(':');
  s.append(std::to_string(port));
}

// The Host a client asked for, lower-cased, without the scheme's default port.
void NormalizedHost(const http::Request& request, bool tls, std::string& out) {
  out.clear();
  const http::Header* host = request.Find("host");
  if (host == nullptr) host = request.Find(":authority");
  if (host == nullptr) return;
  std::string_view value = std::string_view(host->value).substr(0, 255);
  if (const size_t at = value.rfind('@'); at != std::string_view::npos) {
    value = value.substr(at + 1);
  }
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '/') break;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  const std::string_view default_port = tls ? ":443" : ":80";
  if (out.ends_with(default_port)) out.resize(out.size() - default_port.size());
}

// "namespace/name" of a known workload into `out`; false when it is not known.
bool AssignName(const k8s::WorkloadIdentity& workload, std::string& out) {
  if (!workload.known()) return false;
  out.assign(workload.namespace_name);
  out.push_back('/');
  out.append(workload.name);
  return true;
}

// The remote end in the cluster's terms: its pod's workload, else its Service.
bool AssignPeer(const K8sIdentity& k8s, k8s::WorkloadIdentity& out) {
  return k8s::AssignWorkloadIdentity(k8s.peer_pod.get(), out) ||
         k8s::AssignWorkloadIdentity(k8s.peer_service.get(), out);
}

}  // namespace

std::string_view ServiceKindName(ServiceKind kind) {
  return kind == ServiceKind::kExternal ? "external" : "local";
}

void LocalAddresses::Refresh() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return;  // keep what we knew
  std::vector<SocketAddress> found;
  for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    SocketAddress a;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      a.family = AF_INET;
      std::memcpy(a.addr.data(), &in->sin_addr, 4);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      a.family = AF_INET6;
      std::memcpy(a.addr.data(), &in6->sin6_addr, 16);
    } else {
      continue;
    }
    found.push_back(a);
  }
  freeifaddrs(list);
  addresses_ = std::move(found);
}

bool LocalAddresses::IsLocal(const SocketAddress& address) const {
  if (IsLoopback(address)) return true;
  return std::any_of(addresses_.begin(), addresses_.end(),
                     [&](const SocketAddress& a) { return SameHost(a, address); });
}

bool IdentifyService(const ExchangeRecord& record, const LocalAddresses& local,
                     ServiceOfExchange& out) {
  NormalizedHost(record.http.request, record.tls, out.host);
  out.process.clear();
  out.caller.clear();
  out.name.clear();
  out.workload_named = false;
  char text[SocketAddress::kAddressTextSize];
  if (record.role == Role::kServer) {
    out.kind = ServiceKind::kLocal;
    out.port = record.local.port;
    out.process.assign(record.process.comm);
    k8s::AssignWorkloadIdentity(record.k8s.pod.get(), out.service_k8s);
    out.workload_named = AssignName(out.service_k8s, out.name);
    if (!out.workload_named) {
      out.name.assign(record.process.comm.empty() ? std::string_view("?") : record.process.comm);
      AppendPort(out.name, out.port);
    }
    AssignPeer(record.k8s, out.caller_k8s);
    if (!AssignName(out.caller_k8s, out.caller)) {
      out.caller.assign(record.remote.FormatAddress(text));
    }
    return true;
  }
  if (record.role != Role::kClient) return false;
  k8s::AssignWorkloadIdentity(record.k8s.pod.get(), out.caller_k8s);
  if (!AssignName(out.caller_k8s, out.caller)) out.caller.assign(record.process.comm);
  out.port = record.remote.port;
  AssignPeer(record.k8s, out.service_k8s);
  if (AssignName(out.service_k8s, out.name)) {
    // A call inside the cluster whose server is not traced here (another node's pod, a Service).
    out.kind = ServiceKind::kLocal;
    out.workload_named = true;
    return true;
  }
  if (local.IsLocal(record.remote)) {
    // A call to a server on this host that is not traced itself (or is filtered out): the server
    // is known only by its port.
    out.kind = ServiceKind::kLocal;
    out.name.assign("localhost");
    AppendPort(out.name, out.port);
    return true;
  }
  out.kind = ServiceKind::kExternal;
  if (!out.host.empty()) {
    out.name.assign(out.host);
  } else {
    const std::string_view address = record.remote.FormatAddress(text);
    const bool v6 = address.find(':') != std::string_view::npos;
    if (v6) out.name.push_back('[');
    out.name.append(address);
    if (v6) out.name.push_back(']');
    AppendPort(out.name, out.port);
  }
  return true;
}

}  // namespace apisensor::inventory
