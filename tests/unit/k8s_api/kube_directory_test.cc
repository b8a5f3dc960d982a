// The directory's tables: address ownership across pod churn, caps, namespaced replacement, and
// lookups racing with writers.
#include "agent/k8s/api/kube_directory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/unit/k8s_api/directory_dump.h"

namespace apisensor::k8s::api {
namespace {

using apisensor::testing::Dump;

PodEntry Pod(const std::string& ns, const std::string& name, const std::string& uid,
             std::vector<std::string> ips) {
  PodMetadata meta;
  meta.namespace_name = ns;
  meta.name = name;
  meta.uid = uid;
  meta.ip = ips.empty() ? "" : ips.front();
  meta.workload_kind = "Pod";
  meta.workload = name;
  return {std::make_shared<const PodMetadata>(std::move(meta)), std::move(ips)};
}

ServiceEntry Service(const std::string& ns, const std::string& name, std::vector<std::string> ips) {
  ServiceMetadata meta{ns, name, ips.empty() ? "" : ips.front()};
  return {std::make_shared<const ServiceMetadata>(std::move(meta)), std::move(ips)};
}

TEST(KubeDirectory, AnAddressBelongsToItsNewestPod) {
  KubeDirectory d;
  d.UpsertPod(PodScope::kLocal, Pod("a", "old", "u1", {"10.0.0.5"}));
  d.UpsertPod(PodScope::kLocal, Pod("a", "new", "u2", {"10.0.0.5"}));
  EXPECT_EQ(d.PodByIp("10.0.0.5")->name, "new");
  // The old pod's deletion leaves the new pod's address alone.
  d.DeletePod(PodScope::kLocal, "u1");
  ASSERT_NE(d.PodByIp("10.0.0.5"), nullptr);
  EXPECT_EQ(d.PodByIp("10.0.0.5")->name, "new");
  // A pod that changes address loses the old one.
  d.UpsertPod(PodScope::kLocal, Pod("a", "new", "u2", {"10.0.0.6"}));
  EXPECT_EQ(d.PodByIp("10.0.0.5"), nullptr);
  EXPECT_EQ(d.PodByIp("10.0.0.6")->uid, "u2");
  EXPECT_EQ(d.PodByIp("::FFFF:10.0.0.6")->uid, "u2");
  EXPECT_EQ(d.PodByUid("u1"), nullptr);
  // This node's pods win over other nodes' for one address (a stale remote entry).
  d.UpsertPod(PodScope::kRemote, Pod("b", "remote", "u3", {"10.0.0.6", "fd00::6"}));
  EXPECT_EQ(d.PodByIp("10.0.0.6")->uid, "u2");
  EXPECT_EQ(d.PodByIp("fd00::6")->uid, "u3");
  EXPECT_EQ(d.PodByUid("u3")->name, "remote");
}

TEST(KubeDirectory, StaticPodsAreFoundByTheirCgroupsConfigHash) {
  KubeDirectory d;
  PodEntry etcd = Pod("kube-system", "etcd-node-a", "mirror-uid", {});
  etcd.cgroup_uid = "4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d";
  d.UpsertPod(PodScope::kLocal, etcd);
  ASSERT_NE(d.PodByUid("4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d"), nullptr);
  EXPECT_EQ(d.PodByUid("4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d")->name, "etcd-node-a");
  EXPECT_EQ(d.PodByUid("mirror-uid")->name, "etcd-node-a");
  // A new mirror for the same static pod takes the hash over; deleting the old one leaves it.
  PodEntry again = Pod("kube-system", "etcd-node-a", "mirror-uid-2", {});
  again.cgroup_uid = etcd.cgroup_uid;
  d.UpsertPod(PodScope::kLocal, again);
  d.DeletePod(PodScope::kLocal, "mirror-uid");
  ASSERT_NE(d.PodByUid(etcd.cgroup_uid), nullptr);
  EXPECT_EQ(d.PodByUid(etcd.cgroup_uid)->uid, "mirror-uid-2");
  d.DeletePod(PodScope::kLocal, "mirror-uid-2");
  EXPECT_EQ(d.PodByUid(etcd.cgroup_uid), nullptr);
}

TEST(KubeDirectory, SnapshotsOutliveTheirEntries) {
  KubeDirectory d;
  d.UpsertPod(PodScope::kLocal, Pod("a", "p", "u1", {"10.0.0.5"}));
  const std::shared_ptr<const PodMetadata> held = d.PodByUid("u1");
  d.ReplacePods(PodScope::kLocal, "", {});
  EXPECT_EQ(d.PodByUid("u1"), nullptr);
  EXPECT_EQ(held->name, "p");
}

TEST(KubeDirectory, CapsRefuseAndCount) {
  KubeDirectory d({.local_pods = 2, .remote_pods = 1, .services = 1});
  d.ReplacePods(PodScope::kLocal, "",
                {Pod("a", "p1", "u1", {"10.0.0.1"}), Pod("a", "p2", "u2", {"10.0.0.2"}),
                 Pod("a", "p3", "u3", {"10.0.0.3"})},
                4);
  d.UpsertPod(PodScope::kLocal, Pod("a", "p4", "u4", {"10.0.0.4"}));
  d.UpsertPod(PodScope::kLocal, Pod("a", "p1", "u1", {"10.0.0.9"}));  // an update still fits
  d.UpsertPod(PodScope::kRemote, Pod("b", "r1", "r1", {"10.1.0.1"}));
  d.UpsertPod(PodScope::kRemote, Pod("b", "r2", "r2", {"10.1.0.2"}));
  d.ReplaceServices("", {Service("s", "one", {"10.96.0.1"}), Service("s", "two", {"10.96.0.2"})});
  EXPECT_EQ(Dump(d), (std::vector<std::string>{
                         "local a/p1 uid=u1 node= ip=10.0.0.9 Pod/p1",
                         "local a/p2 uid=u2 node= ip=10.0.0.2 Pod/p2",
                         "remote b/r1 uid=r1 node= ip=10.1.0.1 Pod/r1",
                         "service s/one 10.96.0.1",
                         "pod-ip 10.0.0.2 a/p2",
                         "pod-ip 10.0.0.9 a/p1",
                         "pod-ip 10.1.0.1 b/r1",
                         "service-ip 10.96.0.1 s/one",
                     }));
  const DirectoryStats s = d.stats();
  EXPECT_EQ(s.local_pods_dropped, 1u + 4u + 1u);  // p3, the caller's 4, p4
  EXPECT_EQ(s.remote_pods_dropped, 1u);
  EXPECT_EQ(s.services_dropped, 1u);
}

TEST(KubeDirectory, NamespacedReplaceKeepsOtherNamespaces) {
  KubeDirectory d;
  d.UpsertPod(PodScope::kLocal, Pod("a", "p1", "u1", {"10.0.0.1"}));
  d.UpsertPod(PodScope::kLocal, Pod("b", "p2", "u2", {"10.0.0.2"}));
  d.ReplacePods(PodScope::kLocal, "a", {Pod("a", "p3", "u3", {"10.0.0.3"})});
  d.UpsertService(Service("a", "s1", {"10.96.0.1"}));
  d.UpsertService(Service("b", "s2", {"10.96.0.2"}));
  d.ReplaceServices("b", {});
  d.DeleteService("a", "missing");
  EXPECT_EQ(Dump(d), (std::vector<std::string>{
                         "local a/p3 uid=u3 node= ip=10.0.0.3 Pod/p3",
                         "local b/p2 uid=u2 node= ip=10.0.0.2 Pod/p2",
                         "service a/s1 10.96.0.1",
                         "pod-ip 10.0.0.2 b/p2",
                         "pod-ip 10.0.0.3 a/p3",
                         "service-ip 10.96.0.1 a/s1",
                     }));
}

TEST(KubeDirectory, LookupsRaceWithWriters) {
  KubeDirectory d;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> found{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!done) {
        const auto pod = d.PodByIp("10.0.0.7");
        if (pod != nullptr && pod->ip == "10.0.0.7") ++found;
        d.ServiceByIp("10.96.0.7");
        d.PodByUid("u7");
      }
    });
  }
  // Until the readers have had their share, however the scheduler runs them.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int round = 0; round < 300 || (found < 1000 && std::chrono::steady_clock::now() < deadline);
       ++round) {
    std::vector<PodEntry> pods;
    for (int i = 0; i < 50; ++i) {
      const std::string n = std::to_string(i);
      pods.push_back(Pod("a", "p" + n, "u" + n, {"10.0.0." + n}));
    }
    d.ReplacePods(PodScope::kLocal, round % 2 ? "" : "a", std::move(pods));
    d.DeletePod(PodScope::kLocal, "u7");
    d.UpsertPod(PodScope::kLocal, Pod("a", "p7", "u7", {"10.0.0.7"}));
    d.UpsertService(Service("s", "svc", {"10.96.0.7"}));
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_GE(found.load(), 1000u);
  EXPECT_EQ(d.stats().local_pods, 50u);
}

}  // namespace
}  // namespace apisensor::k8s::api
