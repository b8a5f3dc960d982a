// The cgroup path parser against paths as kubelets, runtimes and Docker write them, and against
// near misses that must not be read as identities.
#include "agent/k8s/cgroup/cgroup_path.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace apisensor::k8s {
namespace {

const std::string kId = "2f0e6c2d8f6b4d0b9a6f3e1c7d5b9a8e4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a99";
const std::string kNodeId = "7a1c9e3b5d7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d";
const std::string kUid = "8f8b5f5e-3c5d-4b7a-9d7e-1a2b3c4d5e6f";
const std::string kUid_ = "8f8b5f5e_3c5d_4b7a_9d7e_1a2b3c4d5e6f";   // as systemd slices spell it
const std::string kStaticUid = "5ad1b3e1f0c24d6e8a9b7c6d5e4f3a2b";  // a static pod's hash

using R = ContainerRuntime;
using Q = QosClass;

struct Case {
  std::string path;
  R runtime;
  std::string container_id;
  std::string pod_uid;
  Q qos;
};

std::string SystemdPod(const std::string& qos, const std::string& uid = kUid_) {
  if (qos.empty()) return "/kubepods.slice/kubepods-pod" + uid + ".slice";
  return "/kubepods.slice/kubepods-" + qos + ".slice/kubepods-" + qos + "-pod" + uid + ".slice";
}

TEST(CgroupPathTest, RealWorldPaths) {
  const std::vector<Case> cases = {
      // containerd, systemd driver, each QoS class.
      {SystemdPod("burstable") + "/cri-containerd-" + kId + ".scope", R::kContainerd, kId, kUid,
       Q::kBurstable},
      {SystemdPod("besteffort") + "/cri-containerd-" + kId + ".scope", R::kContainerd, kId, kUid,
       Q::kBestEffort},
      {SystemdPod("") + "/cri-containerd-" + kId + ".scope", R::kContainerd, kId, kUid,
       Q::kGuaranteed},
      // CRI-O (OpenShift), systemd driver, also with crun's "container" sub-cgroup.
      {SystemdPod("burstable") + "/crio-" + kId + ".scope", R::kCrio, kId, kUid, Q::kBurstable},
      {SystemdPod("besteffort") + "/crio-" + kId + ".scope/container", R::kCrio, kId, kUid,
       Q::kBestEffort},
      // Docker through cri-dockerd, systemd driver.
      {SystemdPod("") + "/docker-" + kId + ".scope", R::kDocker, kId, kUid, Q::kGuaranteed},
      // cgroupfs driver: the runtime is not in the path, except CRI-O's prefix.
      {"/kubepods/burstable/pod" + kUid + "/" + kId, R::kUnknown, kId, kUid, Q::kBurstable},
      {"/kubepods/besteffort/pod" + kUid + "/" + kId, R::kUnknown, kId, kUid, Q::kBestEffort},
      {"/kubepods/pod" + kUid + "/" + kId, R::kUnknown, kId, kUid, Q::kGuaranteed},
      {"/kubepods/burstable/pod" + kUid + "/crio-" + kId, R::kCrio, kId, kUid, Q::kBurstable},
      // A pod's own cgroup: the pod, no container.
      {"/kubepods/burstable/pod" + kUid, R::kUnknown, "", kUid, Q::kBurstable},
      {SystemdPod("besteffort"), R::kUnknown, "", kUid, Q::kBestEffort},
      // CRI-O's monitor sits in the pod but is not a container.
      {SystemdPod("burstable") + "/crio-conmon-" + kId + ".scope", R::kUnknown, "", kUid,
       Q::kBurstable},
      // A static pod's UID is its manifest's hash.
      {SystemdPod("burstable", kStaticUid) + "/cri-containerd-" + kId + ".scope", R::kContainerd,
       kId, kStaticUid, Q::kBurstable},
      // Plain Docker and Podman outside Kubernetes.
      {"/docker/" + kId, R::kDocker, kId, "", Q::kNone},
      {"/system.slice/docker-" + kId + ".scope", R::kDocker, kId, "", Q::kNone},
      {"/machine.slice/libpod-" + kId + ".scope", R::kPodman, kId, "", Q::kNone},
      {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope",
       R::kPodman, kId, "", Q::kNone},
      // The forms the path arrives in: a /proc/<pid>/cgroup line, a path under the mount point,
      // a path relative to another cgroup namespace's root.
      {"0::" + SystemdPod("burstable") + "/cri-containerd-" + kId + ".scope", R::kContainerd, kId,
       kUid, Q::kBurstable},
      {"/sys/fs/cgroup/unified/kubepods/besteffort/pod" + kUid + "/" + kId, R::kUnknown, kId, kUid,
       Q::kBestEffort},
      {"/../../../kubepods-besteffort.slice/kubepods-besteffort-pod" + kUid_ +
           ".slice/cri-containerd-" + kId + ".scope",
       R::kContainerd, kId, kUid, Q::kBestEffort},
      // kind: a Kubernetes node inside a Docker container. The node's container is not the pod's.
      {"/system.slice/docker-" + kNodeId +
           ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
           "kubelet-kubepods-besteffort-pod" +
           kUid_ + ".slice/cri-containerd-" + kId + ".scope",
       R::kContainerd, kId, kUid, Q::kBestEffort},
      {"/system.slice/docker-" + kNodeId +
           ".scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod" + kUid_ + ".slice",
       R::kUnknown, "", kUid, Q::kGuaranteed},
      {"/docker/" + kNodeId + "/kubepods/burstable/pod" + kUid, R::kUnknown, "", kUid,
       Q::kBurstable},
      // Docker in Docker: the innermost container.
      {"/docker/" + kNodeId + "/docker/" + kId, R::kDocker, kId, "", Q::kNone},
      // Empty and dot segments are skipped.
      {"//kubepods//burstable/./pod" + kUid + "/" + kId + "/", R::kUnknown, kId, kUid,
       Q::kBurstable},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    const std::optional<ContainerIdentity> id = ParseCgroupPath(c.path);
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(*id, (ContainerIdentity{c.runtime, c.container_id, c.pod_uid, c.qos}));
  }
}

TEST(CgroupPathTest, NearMissesAreNoIdentity) {
  const std::string id63 = kId.substr(1);
  const std::string id65 = kId + "0";
  std::string upper = kId;
  upper[0] = 'A';
  std::string not_hex = kId;
  not_hex[10] = 'g';
  const std::vector<std::string> misses = {
      "",
      "/",
      "0::/",
      "0::",
      "/user.slice/user-0.slice/session-1.scope",
      "/system.slice/docker.service",
      "/system.slice/containerd.service",
      "/init.scope",
      "/docker",
      "/docker/",
      "/docker/" + id63,
      "/docker/" + id65,
      "/docker/" + upper,
      "/docker/" + not_hex,
      "/docker/" + kId + "x",
      "/system.slice/docker-" + kId + ".scopex",
      "/system.slice/docker-" + kId + ".slice",
      "/system.slice/containerd-" + kId + ".scope",  // not a runtime prefix we know
      "/system.slice/docker-" + id63 + ".scope",
      "/" + kId,                  // a bare id outside docker/ or a pod
      "/system.slice/" + kId,     //
      "/pod" + kUid + "/" + kId,  // pod<uid> must sit under kubepods
      "/foo/burstable/pod" + kUid + "/" + kId,
      "/kubepods/guaranteed/pod" + kUid + "/" + kId,  // no such QoS directory
      "/kubepods/burstable/pod" + kUid_ + "/" + kId,  // cgroupfs spells dashes as dashes
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUid +
          ".slice",  // the kubelet's systemd driver writes the UID's dashes as underscores
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUid_ + ".slice.bak",
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUid_.substr(1) +
          ".slice",
      "/kubepods.slice/kubepods-burstable.slice/kubepods-guaranteed-pod" + kUid_ + ".slice",
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kStaticUid + "0.slice",
      "/kubepods.slice/kubepods-burstable.slice",
      "/kubepods/burstable",
  };
  for (const std::string& path : misses) {
    SCOPED_TRACE(path);
    EXPECT_FALSE(ParseCgroupPath(path).has_value());
  }
}

TEST(CgroupPathTest, ContainerAboveThePodIsNotThePods) {
  const std::optional<ContainerIdentity> id =
      ParseCgroupPath("/docker/" + kNodeId + "/kubepods/besteffort/pod" + kUid);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->container_id, "");
  EXPECT_EQ(id->pod_uid, kUid);
}

TEST(CgroupPathTest, V2LineOfProcCgroupFile) {
  const std::string hybrid = "12:memory:/kubepods/burstable/pod" + kUid + "/" + kId +
                             "\n1:name=systemd:/kubepods/x\n0::" + SystemdPod("burstable") +
                             "/cri-containerd-" + kId + ".scope\n";
  EXPECT_EQ(CgroupV2PathOf(hybrid), SystemdPod("burstable") + "/cri-containerd-" + kId + ".scope");
  EXPECT_EQ(CgroupV2PathOf("0::/\n"), "/");
  EXPECT_EQ(CgroupV2PathOf("0::/docker/" + kId), "/docker/" + kId);  // no final newline
  EXPECT_EQ(CgroupV2PathOf("0::/gone.scope (deleted)\n"), "/gone.scope");
  EXPECT_EQ(CgroupV2PathOf("4:memory:/x\n1:cpu:/y\n"), std::nullopt);  // cgroup v1 only
  EXPECT_EQ(CgroupV2PathOf(""), std::nullopt);
  EXPECT_EQ(CgroupV2PathOf("10::/not-v2\n"), std::nullopt);
}

TEST(CgroupPathTest, NamesOfRuntimesAndClasses) {
  EXPECT_EQ(RuntimeName(R::kContainerd), "containerd");
  EXPECT_EQ(RuntimeName(R::kCrio), "cri-o");
  EXPECT_EQ(RuntimeName(R::kDocker), "docker");
  EXPECT_EQ(RuntimeName(R::kPodman), "podman");
  EXPECT_EQ(RuntimeName(R::kUnknown), "");
  EXPECT_EQ(QosClassName(Q::kBestEffort), "BestEffort");
  EXPECT_EQ(QosClassName(Q::kNone), "");
}

}  // namespace
}  // namespace apisensor::k8s
