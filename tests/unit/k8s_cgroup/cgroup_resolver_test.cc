// The resolver against real cgroup v2 directories shaped like each runtime's (root only): ids
// resolve through file handles and through /proc/<pid>/cgroup, answers are cached without system
// calls, expire after the TTL, and the cache stays under its cap.
#include "agent/k8s/cgroup/cgroup_resolver.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <memory>
#include <string>

#include "tests/unit/k8s_cgroup/test_cgroup.h"
#include "tests/unit/support/child_process.h"

namespace apisensor::k8s {
namespace {

using testing::TestCgroup;

const std::string kId = "4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c";
const std::string kUid = "0d4c2b9a-1e3f-4a5b-8c7d-6e5f4a3b2c1d";
const std::string kUid_ = "0d4c2b9a_1e3f_4a5b_8c7d_6e5f4a3b2c1d";
const std::string kContainerdPath =
    "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + kUid_ +
    ".slice/cri-containerd-" + kId + ".scope";
const std::string kCrioPath = "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" +
                              kUid_ + ".slice/crio-" + kId + ".scope";
const std::string kCgroupfsPath = "kubepods/pod" + kUid + "/" + kId;

constexpr uint64_t kSecond = 1'000'000'000;

CgroupResolverOptions Options() {
  CgroupResolverOptions o;
  o.ttl_ns = 10 * kSecond;
  return o;
}

TEST(CgroupResolverTest, ResolvesEachRuntimesShapeByItsId) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  CgroupResolver resolver(Options());
  const struct {
    std::string path;
    ContainerIdentity want;
  } cases[] = {
      {kContainerdPath, {ContainerRuntime::kContainerd, kId, kUid, QosClass::kBurstable}},
      {kCrioPath, {ContainerRuntime::kCrio, kId, kUid, QosClass::kBestEffort}},
      {kCgroupfsPath, {ContainerRuntime::kUnknown, kId, kUid, QosClass::kGuaranteed}},
      {"docker/" + kId, {ContainerRuntime::kDocker, kId, "", QosClass::kNone}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    TestCgroup cgroup(c.path);
    EXPECT_EQ(resolver.PathOf(cgroup.id(), 0), cgroup.path().substr(resolver.mount().size()));
    const std::shared_ptr<const ContainerIdentity> id = resolver.Resolve(cgroup.id(), 0, kSecond);
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(*id, c.want);
  }
  EXPECT_EQ(resolver.stats().by_proc, 0u);
  EXPECT_EQ(resolver.stats().unresolved, 0u);
  EXPECT_EQ(resolver.stats().containers, 4u);
}

TEST(CgroupResolverTest, HitsMakeNoSystemCallAndExpireAfterTheTtl) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  CgroupResolver resolver(Options());
  auto cgroup = std::make_unique<TestCgroup>(kContainerdPath);
  const uint64_t id = cgroup->id();
  const auto first = resolver.Resolve(id, 0, kSecond);
  ASSERT_NE(first, nullptr);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(resolver.Resolve(id, 0, kSecond + i), first);
  EXPECT_EQ(resolver.stats().lookups, 101u);
  EXPECT_EQ(resolver.stats().misses, 1u);
  EXPECT_EQ(resolver.stats().by_handle, 1u);

  // Removed: the cached answer stands (no one looked) until the TTL is up, then it is gone.
  cgroup->Remove();
  EXPECT_EQ(resolver.Resolve(id, 0, 10 * kSecond), first);
  EXPECT_EQ(resolver.stats().misses, 1u);
  EXPECT_EQ(resolver.Resolve(id, 0, 11 * kSecond), nullptr);
  EXPECT_EQ(resolver.stats().expired, 1u);
  EXPECT_EQ(resolver.stats().misses, 2u);
  EXPECT_EQ(resolver.stats().unresolved, 1u);
  // "Not found" is cached too.
  EXPECT_EQ(resolver.Resolve(id, 0, 12 * kSecond), nullptr);
  EXPECT_EQ(resolver.stats().misses, 2u);
}

TEST(CgroupResolverTest, CacheStaysUnderItsCapOldestOut) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  CgroupResolverOptions options = Options();
  options.max_entries = 2;
  CgroupResolver resolver(options);
  TestCgroup a("docker/" + kId), b(kContainerdPath), c(kCrioPath);
  resolver.Resolve(a.id(), 0, kSecond);
  resolver.Resolve(b.id(), 0, kSecond);
  resolver.Resolve(c.id(), 0, kSecond);
  EXPECT_EQ(resolver.size(), 2u);
  EXPECT_EQ(resolver.stats().evicted, 1u);
  resolver.Resolve(c.id(), 0, kSecond);
  resolver.Resolve(b.id(), 0, kSecond);
  EXPECT_EQ(resolver.stats().misses, 3u);  // b and c still cached
  resolver.Resolve(a.id(), 0, kSecond);    // a was the oldest: resolved again
  EXPECT_EQ(resolver.stats().misses, 4u);
  EXPECT_EQ(resolver.size(), 2u);
}

TEST(CgroupResolverTest, HostCgroupsAreNoContainerAndIdZeroIsNeverLookedUp) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  CgroupResolver resolver(Options());
  struct stat st;
  ASSERT_EQ(stat(resolver.mount().c_str(), &st), 0);
  EXPECT_EQ(resolver.PathOf(st.st_ino, 0), "/");
  EXPECT_EQ(resolver.Resolve(st.st_ino, 0, kSecond), nullptr);
  TestCgroup service("system.slice/nginx.service");
  EXPECT_EQ(resolver.Resolve(service.id(), 0, kSecond), nullptr);
  EXPECT_EQ(resolver.Resolve(0, 1, kSecond), nullptr);
  EXPECT_EQ(resolver.stats().misses, 2u);
  EXPECT_EQ(resolver.stats().unresolved, 0u);
}

TEST(CgroupResolverTest, FallsBackToProcPidCgroupAndRefusesAProcessThatMoved) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  CgroupResolverOptions options = Options();
  options.use_file_handles = false;
  CgroupResolver resolver(options);
  TestCgroup pod(kCrioPath), other("docker/" + kId);
  testing::ChildProcess child({"sleep", "30"});
  pod.Enter(child.pid());
  const auto id = resolver.Resolve(pod.id(), static_cast<uint32_t>(child.pid()), kSecond);
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(*id, (ContainerIdentity{ContainerRuntime::kCrio, kId, kUid, QosClass::kBestEffort}));
  EXPECT_EQ(resolver.stats().by_proc, 1u);
  EXPECT_EQ(resolver.stats().by_handle, 0u);
  // The exchange came from `other`, but the process lives in `pod` now: no answer beats a wrong
  // one.
  EXPECT_EQ(resolver.Resolve(other.id(), static_cast<uint32_t>(child.pid()), kSecond), nullptr);
  EXPECT_EQ(resolver.stats().proc_mismatch, 1u);
  // A process that does not exist.
  EXPECT_EQ(resolver.Resolve(other.id() + 1'000'000, 0x7ffffff0, kSecond), nullptr);
  EXPECT_EQ(resolver.stats().unresolved, 2u);
  child.Stop();
}

TEST(CgroupResolverTest, WithoutAMountOnlyTheUncheckedProcPathRemains) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  CgroupResolverOptions options = Options();
  options.mount = "/nonexistent-cgroup-mount";
  CgroupResolver resolver(options);
  TestCgroup pod(kCgroupfsPath);
  testing::ChildProcess child({"sleep", "30"});
  pod.Enter(child.pid());
  const auto id = resolver.Resolve(pod.id(), static_cast<uint32_t>(child.pid()), kSecond);
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->pod_uid, kUid);
  child.Stop();
}

}  // namespace
}  // namespace apisensor::k8s
