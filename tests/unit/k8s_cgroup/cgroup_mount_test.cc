// Finding the cgroup2 mount in mountinfo text as pure v2, hybrid and containerised hosts show it.
#include "agent/k8s/cgroup/cgroup_mount.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <string>

namespace apisensor::k8s {
namespace {

TEST(CgroupMountTest, PureV2) {
  const std::string text =
      "22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
      "26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
      "rw,nsdelegate,memory_recursiveprot\n";
  EXPECT_EQ(FindCgroup2Mount(text), "/sys/fs/cgroup");
}

TEST(CgroupMountTest, HybridHostHasV1ControllersAndV2Unified) {
  const std::string text =
      "25 22 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
      "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
      "27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,name=systemd\n"
      "30 25 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory\n";
  EXPECT_EQ(FindCgroup2Mount(text), "/sys/fs/cgroup/unified");
}

TEST(CgroupMountTest, HostRootWinsOverTheContainersOwnNamespacedMount) {
  // A DaemonSet pod: its own cgroup namespace at /sys/fs/cgroup (rooted at its pod's cgroup),
  // and the host's whole hierarchy mounted at /host/sys/fs/cgroup.
  const std::string text =
      "700 690 0:26 /../../kubepods-burstable-podx.slice/cri-containerd-y.scope /sys/fs/cgroup "
      "ro,nosuid - cgroup2 cgroup rw\n"
      "701 690 0:26 / /host/sys/fs/cgroup ro,nosuid master:9 - cgroup2 cgroup2 rw\n";
  EXPECT_EQ(FindCgroup2Mount(text), "/host/sys/fs/cgroup");
  // Without the host's, the sub-tree mount is still better than nothing.
  EXPECT_EQ(FindCgroup2Mount(text.substr(0, text.find('\n') + 1)), "/sys/fs/cgroup");
}

TEST(CgroupMountTest, EscapedMountPointAndOptionalFields) {
  const std::string text =
      "40 1 0:30 / /mnt/my\\040cgroups rw shared:1 master:2 - cgroup2 none rw\n";
  EXPECT_EQ(FindCgroup2Mount(text), "/mnt/my cgroups");
}

TEST(CgroupMountTest, NoneOrGarbage) {
  EXPECT_EQ(FindCgroup2Mount(""), std::nullopt);
  EXPECT_EQ(FindCgroup2Mount("30 25 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw\n"),
            std::nullopt);
  EXPECT_EQ(FindCgroup2Mount("cgroup2\n- cgroup2\n1 2 3 4\n1 2 3 / /x - \n\\\\\\1"), std::nullopt);
  EXPECT_EQ(FindCgroup2Mount("1 2 3 / /x\\12 a - cgroup2"), "/x\\12");  // short escape kept
}

TEST(CgroupMountTest, ThisMachinesMountIsACgroup2FileSystem) {
  const std::optional<std::string> mount = FindCgroup2Mount();
  ASSERT_TRUE(mount.has_value()) << "no cgroup2 mount in /proc/self/mountinfo";
  struct statfs fs;
  ASSERT_EQ(statfs(mount->c_str(), &fs), 0);
  EXPECT_EQ(fs.f_type, 0x63677270);  // CGROUP2_SUPER_MAGIC
}

}  // namespace
}  // namespace apisensor::k8s
