// From a cgroup v2 path to the container and pod it belongs to. Pure functions of text: the
// paths come from the kernel but their names are chosen by runtimes, users and containers
// themselves, so anything that does not match a known shape exactly is not an identity.
//
// Shapes recognised (any prefix before them, such as a mount point or a kind node's own cgroup,
// is ignored; anything below the container, such as a container's own sub-cgroups, is too):
//   systemd driver  kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/
//                     cri-containerd-<id>.scope | crio-<id>.scope | docker-<id>.scope
//                   (kubepods-besteffort…, or kubepods-pod<uid_>.slice for Guaranteed; the
//                   kubelet writes the UID's dashes as underscores; kind prefixes "kubelet-")
//   cgroupfs driver kubepods/{burstable,besteffort}/pod<uid>/<id>, kubepods/pod<uid>/<id>,
//                   crio-<id> instead of <id> under CRI-O
//   plain Docker    /docker/<id>, system.slice/docker-<id>.scope; Podman libpod-<id>.scope
// A UID is a UUID (8-4-4-4-12 lower-case hex) or, for static pods, 32 lower-case hex digits.
#pragma once

#include <optional>
#include <string_view>

#include "agent/k8s/cgroup/container_identity.h"

namespace apisensor::k8s {

// The path of the cgroup v2 line ("0::<path>") of a /proc/<pid>/cgroup file, without a
// " (deleted)" suffix; nullopt when the file has no such line.
std::optional<std::string_view> CgroupV2PathOf(std::string_view proc_pid_cgroup);

// The identity a cgroup path names; a "0::" prefix is accepted. nullopt when the path names
// neither a container nor a pod. When containers nest (kind nodes, Docker in Docker), the
// innermost wins, and a container outside the innermost pod is not that pod's.
std::optional<ContainerIdentity> ParseCgroupPath(std::string_view path);

}  // namespace apisensor::k8s
