// The unit everything downstream of reassembly sees: one request and its response, with who
// made it and where. Credential values in `http` are already replaced by fingerprints.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "agent/k8s/cgroup/container_identity.h"
#include "agent/k8s/pod_directory.h"
#include "agent/secrets/auth_observation.h"
#include "parsers/http1/http_message.h"

namespace apisensor {

enum class Role : uint8_t { kUnknown = 0, kClient = 1, kServer = 2 };

struct SocketAddress {
  uint16_t family = 0;  // AF_INET or AF_INET6
  uint16_t port = 0;
  std::array<uint8_t, 16> addr{};  // IPv4 in the first 4 bytes

  // INET6_ADDRSTRLEN: room for any address and the terminating NUL.
  static constexpr size_t kAddressTextSize = 46;

  // "127.0.0.1", "::1"; an IPv4-mapped IPv6 address as plain IPv4; "" for an unknown family.
  std::string AddressString() const;
  // The same text written into `out`, for callers that must not allocate.
  std::string_view FormatAddress(char (&out)[kAddressTextSize]) const;
  bool operator==(const SocketAddress&) const = default;
};

struct ProcessIdentity {
  uint32_t pid = 0;
  std::string comm;
  uint64_t cgroup_id = 0;
};

// The container and Kubernetes identity of the traced process and of the other end. Each part is
// an immutable snapshot shared with the cache it came from (copying a record copies pointers),
// null when unknown. Host mode: at most `container`, for processes in a container runtime's cgroup.
struct K8sIdentity {
  std::shared_ptr<const k8s::ContainerIdentity> container;   // from the process's cgroup
  std::shared_ptr<const k8s::PodMetadata> pod;               // the process's pod
  std::shared_ptr<const k8s::PodMetadata> peer_pod;          // the remote address's pod
  std::shared_ptr<const k8s::ServiceMetadata> peer_service;  // the remote address's Service

  bool empty() const { return !container && !pod && !peer_pod && !peer_service; }
};

struct ExchangeRecord {
  uint64_t ts_unix_ns = 0;  // wall-clock time of the request's first byte
  uint64_t latency_ns = 0;  // response's last byte minus request's first byte; 0 without response
  Role role = Role::kUnknown;
  const char* protocol = "http/1.1";
  bool tls = false;
  ProcessIdentity process;
  SocketAddress local;
  SocketAddress remote;
  http::Exchange http;
  // The request's credential kind, learned before redaction (values are never kept).
  secrets::AuthObservation auth;
  K8sIdentity k8s;
};

const char* RoleName(Role role);

}  // namespace apisensor
