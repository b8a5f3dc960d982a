// Fuzzes the cgroup readers with any bytes: ParseCgroupPath (as a path), CgroupV2PathOf (as a
// /proc/<pid>/cgroup file) and FindCgroup2Mount (as mountinfo). Checks: an identity is well
// formed (a 64 lower-case hex container id or none, a UUID or 32-hex pod UID or none, never
// neither, a QoS class exactly when there is a pod); a sub-cgroup below the path does not change
// it; the identity written back as a canonical cgroupfs path parses to itself; the v2 line is a
// line of the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "agent/k8s/cgroup/cgroup_mount.h"
#include "agent/k8s/cgroup/cgroup_path.h"

namespace {

using apisensor::k8s::CgroupV2PathOf;
using apisensor::k8s::ContainerIdentity;
using apisensor::k8s::ContainerRuntime;
using apisensor::k8s::FindCgroup2Mount;
using apisensor::k8s::ParseCgroupPath;
using apisensor::k8s::QosClass;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool LowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool ValidUid(std::string_view uid) {
  if (uid.size() == 32) return LowerHex(uid);
  if (uid.size() != 36) return false;
  for (size_t i = 0; i < uid.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? uid[i] != '-' : !LowerHex(uid.substr(i, 1))) return false;
  }
  return true;
}

void CheckIdentity(const ContainerIdentity& id) {
  Check(!id.container_id.empty() || !id.pod_uid.empty());
  Check(id.container_id.empty() || (id.container_id.size() == 64 && LowerHex(id.container_id)));
  Check(id.pod_uid.empty() || ValidUid(id.pod_uid));
  Check((id.qos != QosClass::kNone) == !id.pod_uid.empty());
  Check(!id.container_id.empty() || id.runtime == ContainerRuntime::kUnknown);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::optional<ContainerIdentity> id = ParseCgroupPath(input);
  if (id) {
    CheckIdentity(*id);
    // A sub-cgroup named like no pod or container (a container's own child cgroup) changes
    // nothing.
    Check(ParseCgroupPath(std::string(input) + "/x") == id);
    // Written back in the cgroupfs driver's shape, it reads the same (the runtime aside, which
    // that shape does not name).
    std::string canonical;
    if (!id->pod_uid.empty()) {
      canonical = "/kubepods";
      if (id->qos == QosClass::kBurstable) canonical += "/burstable";
      if (id->qos == QosClass::kBestEffort) canonical += "/besteffort";
      canonical += "/pod" + id->pod_uid;
    } else {
      canonical = "/docker";
    }
    if (!id->container_id.empty()) canonical += "/" + id->container_id;
    const std::optional<ContainerIdentity> again = ParseCgroupPath(canonical);
    Check(again.has_value());
    Check(again->container_id == id->container_id && again->pod_uid == id->pod_uid &&
          again->qos == id->qos);
  } else {
    Check(!ParseCgroupPath(std::string(input) + "/x"));
  }

  if (const std::optional<std::string_view> line = CgroupV2PathOf(input)) {
    Check(line->data() >= input.data() && line->data() + line->size() <= input.data() + size);
    Check(line->find('\n') == std::string_view::npos);
  }

  if (const std::optional<std::string> mount = FindCgroup2Mount(input)) {
    Check(mount->size() <= size);
  }
  return 0;
}
