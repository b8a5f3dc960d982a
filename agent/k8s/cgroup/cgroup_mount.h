// Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on pure v2 hosts,
// /sys/fs/cgroup/unified on hybrid ones, and wherever a DaemonSet mounts the host's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apisensor::k8s {

// The mount point of the cgroup2 file system in /proc/self/mountinfo text, octal escapes
// decoded. A mount of the hierarchy's root ("/") wins over a mount of a sub-tree (a container's
// own namespaced /sys/fs/cgroup), which cannot reach other containers' cgroups. nullopt when none.
std::optional<std::string> FindCgroup2Mount(std::string_view mountinfo);

// The same, read from this process's /proc/self/mountinfo.
std::optional<std::string> FindCgroup2Mount();

}  // namespace apisensor::k8s
