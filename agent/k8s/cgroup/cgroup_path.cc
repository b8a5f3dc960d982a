#include "agent/k8s/cgroup/cgroup_path.h"

#include <array>

namespace apisensor::k8s {
namespace {

constexpr size_t kContainerIdLength = 64;
constexpr size_t kUuidLength = 36;
constexpr size_t kStaticPodUidLength = 32;  // the kubelet's hash of a static pod's manifest

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool AllLowerHex(std::string_view s) {
  for (char c : s) {
    if (!IsLowerHex(c)) return false;
  }
  return !s.empty();
}

bool IsContainerId(std::string_view s) { return s.size() == kContainerIdLength && AllLowerHex(s); }

// A pod UID as a cgroup name spells it: a UUID whose dashes are `dash` ('-' for cgroupfs, '_'
// for systemd), or a static pod's 32 hex digits. Writes it with '-' into `out`.
bool ParseUid(std::string_view s, char dash, std::string& out) {
  if (s.size() == kStaticPodUidLength) {
    if (!AllLowerHex(s)) return false;
    out.assign(s);
    return true;
  }
  if (s.size() != kUuidLength) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash_place = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_place ? s[i] != dash : !IsLowerHex(s[i])) return false;
  }
  out.assign(s);
  for (char& c : out) {
    if (c == dash) c = '-';
  }
  return true;
}

bool StripPrefix(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

bool StripSuffix(std::string_view& s, std::string_view suffix) {
  if (!s.ends_with(suffix)) return false;
  s.remove_suffix(suffix.size());
  return true;
}

// systemd driver: (kubelet-)kubepods[-burstable|-besteffort]-pod<uid_>.slice. The slice's name
// spells its whole chain of parents, so it is recognised by itself.
bool ParseSystemdPodSlice(std::string_view segment, ContainerIdentity& out) {
  if (!StripSuffix(segment, ".slice")) return false;
  StripPrefix(segment, "kubelet-");  // kind and other kubelets nested in a node container
  if (!StripPrefix(segment, "kubepods-")) return false;
  QosClass qos = QosClass::kGuaranteed;
  if (StripPrefix(segment, "burstable-")) {
    qos = QosClass::kBurstable;
  } else if (StripPrefix(segment, "besteffort-")) {
    qos = QosClass::kBestEffort;
  }
  if (!StripPrefix(segment, "pod") || !ParseUid(segment, '_', out.pod_uid)) return false;
  out.qos = qos;
  return true;
}

// cgroupfs driver: pod<uid> under kubepods/, kubepods/burstable/ or kubepods/besteffort/.
bool ParseCgroupfsPod(std::string_view segment, std::string_view parent,
                      std::string_view grandparent, ContainerIdentity& out) {
  if (!StripPrefix(segment, "pod")) return false;
  QosClass qos;
  if (parent == "kubepods") {
    qos = QosClass::kGuaranteed;
  } else if (parent == "burstable" && grandparent == "kubepods") {
    qos = QosClass::kBurstable;
  } else if (parent == "besteffort" && grandparent == "kubepods") {
    qos = QosClass::kBestEffort;
  } else {
    return false;
  }
  if (!ParseUid(segment, '-', out.pod_uid)) return false;
  out.qos = qos;
  return true;
}

struct ScopePrefix {
  std::string_view prefix;
  ContainerRuntime runtime;
};

// CRI-O's and Podman's monitors (crio-conmon-<id>.scope, libpod-conmon-<id>.scope) are not the
// container: what follows their prefix is no id, so they are turned away with the rest.
constexpr std::array<ScopePrefix, 4> kScopePrefixes = {{
    {"cri-containerd-", ContainerRuntime::kContainerd},
    {"crio-", ContainerRuntime::kCrio},
    {"docker-", ContainerRuntime::kDocker},
    {"libpod-", ContainerRuntime::kPodman},
}};

bool ParseContainer(std::string_view segment, std::string_view parent, bool parent_is_pod,
                    ContainerIdentity& out) {
  std::string_view id = segment;
  ContainerRuntime runtime = ContainerRuntime::kUnknown;
  if (StripSuffix(id, ".scope")) {  // systemd driver
    bool known = false;
    for (const ScopePrefix& p : kScopePrefixes) {
      if (StripPrefix(id, p.prefix)) {
        runtime = p.runtime;
        known = true;
        break;
      }
    }
    if (!known) return false;
  } else if (StripPrefix(id, "crio-")) {  // CRI-O under the cgroupfs driver
    runtime = ContainerRuntime::kCrio;
  } else if (parent == "docker") {  // Docker's cgroupfs driver outside Kubernetes
    runtime = ContainerRuntime::kDocker;
  } else if (!parent_is_pod) {
    // A bare id anywhere else is just a name that happens to be long hex.
    return false;
  }
  if (!IsContainerId(id)) return false;
  out.container_id.assign(id);
  out.runtime = runtime;
  return true;
}

}  // namespace

std::optional<std::string_view> CgroupV2PathOf(std::string_view file) {
  while (!file.empty()) {
    const size_t end = file.find('\n');
    std::string_view line = file.substr(0, end);
    file = end == std::string_view::npos ? std::string_view() : file.substr(end + 1);
    if (!StripPrefix(line, "0::")) continue;
    StripSuffix(line, " (deleted)");
    return line;
  }
  return std::nullopt;
}

std::optional<ContainerIdentity> ParseCgroupPath(std::string_view path) {
  StripPrefix(path, "0::");
  ContainerIdentity id;
  bool found = false;
  std::string_view parent, grandparent;
  bool parent_is_pod = false;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (segment.empty() || segment == "." || segment == "..") continue;
    ContainerIdentity pod;
    if (ParseSystemdPodSlice(segment, pod) || ParseCgroupfsPod(segment, parent, grandparent, pod)) {
      // Containers seen so far enclose this pod (a node container): they are not its own.
      id = std::move(pod);
      found = true;
      parent_is_pod = true;
    } else {
      found = ParseContainer(segment, parent, parent_is_pod, id) || found;
      parent_is_pod = false;
    }
    grandparent = parent;
    parent = segment;
  }
  if (!found) return std::nullopt;
  return id;
}

}  // namespace apisensor::k8s
