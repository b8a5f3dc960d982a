// The pipeline attributes exchanges by the cgroup id the kernel stamped on their records: ring
// records laid out as the kernel writes them, carrying the id of a real cgroup shaped like a pod's.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "agent/pipeline/pipeline.h"
#include "tests/unit/agent/record_builder.h"
#include "tests/unit/k8s_cgroup/static_directory.h"
#include "tests/unit/k8s_cgroup/test_cgroup.h"

namespace apisensor::pipeline {
namespace {

using apisensor::testing::Data;
using apisensor::testing::SocketSide;
using apisensor::testing::StaticDirectory;
using apisensor::testing::TestCgroup;

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kUid = "12345678-9abc-4def-8123-456789abcdef";

class Collect final : public RecordOutput {
 public:
  void Write(const ExchangeRecord& r) override { records.push_back(r); }
  void Flush() override {}
  std::vector<ExchangeRecord> records;
};

std::vector<uint8_t> WithCgroup(std::vector<uint8_t> record, uint64_t cgroup_id) {
  apisensor_event_header h;
  std::memcpy(&h, record.data(), sizeof(h));
  h.cgroup_id = cgroup_id;
  std::memcpy(record.data(), &h, sizeof(h));
  return record;
}

void Exchange(Pipeline& pipeline, const SocketSide& side, uint64_t cgroup_id, uint32_t n) {
  constexpr std::string_view kRequest = "GET /cart HTTP/1.1\r\nHost: shop\r\n\r\n";
  constexpr std::string_view kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const uint64_t t = 1'000'000ULL * (n + 1);
  pipeline.OnRecord(WithCgroup(
      Data(side, APISENSOR_DIR_INGRESS, 1 + n * kRequest.size(), kRequest, t), cgroup_id));
  pipeline.OnRecord(WithCgroup(
      Data(side, APISENSOR_DIR_EGRESS, 1 + n * kResponse.size(), kResponse, t + 1), cgroup_id));
}

TEST(PipelineAttributionTest, ExchangesCarryTheirCgroupsContainerAndPod) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  TestCgroup cgroup("kubepods/burstable/pod" + kUid + "/crio-" + kId);
  StaticDirectory directory;
  k8s::PodMetadata pod;
  pod.uid = kUid;
  pod.namespace_name = "shop";
  pod.name = "cart-0";
  pod.workload = "cart";
  pod.workload_kind = "StatefulSet";
  const auto known = directory.Add(pod);

  secrets::Fingerprinter fingerprinter = secrets::Fingerprinter::Ephemeral();
  secrets::CredentialRedactor redactor(fingerprinter);
  Collect output;
  PipelineOptions options;
  options.attribution.pods = &directory;
  Pipeline pipeline(options, redactor, output, 0);
  const SocketSide server;
  for (uint32_t i = 0; i < 3; ++i) Exchange(pipeline, server, cgroup.id(), i);
  // Another connection from a process outside any container.
  SocketSide host = server;
  host.tgid = 300;
  host.sock = 0xffff000000009000;
  Exchange(pipeline, host, 1, 0);

  ASSERT_EQ(output.records.size(), 4u);
  for (size_t i = 0; i < 3; ++i) {
    const K8sIdentity& k8s = output.records[i].k8s;
    ASSERT_NE(k8s.container, nullptr);
    EXPECT_EQ(k8s.container->runtime, k8s::ContainerRuntime::kCrio);
    EXPECT_EQ(k8s.container->container_id, kId);
    EXPECT_EQ(k8s.container->pod_uid, kUid);
    EXPECT_EQ(k8s.pod, known);
  }
  EXPECT_TRUE(output.records[3].k8s.empty());
  const k8s::CgroupResolverStats& stats = pipeline.attributor()->resolver()->stats();
  EXPECT_EQ(stats.lookups, 4u);
  EXPECT_EQ(stats.misses, 2u);  // one per cgroup
}

TEST(PipelineAttributionTest, OffWhenTurnedOffAndNoDirectory) {
  secrets::Fingerprinter fingerprinter = secrets::Fingerprinter::Ephemeral();
  secrets::CredentialRedactor redactor(fingerprinter);
  Collect output;
  PipelineOptions options;
  options.attribution.containers = false;
  Pipeline pipeline(options, redactor, output, 0);
  EXPECT_EQ(pipeline.attributor(), nullptr);
  Exchange(pipeline, SocketSide{}, 1, 0);
  ASSERT_EQ(output.records.size(), 1u);
  EXPECT_TRUE(output.records[0].k8s.empty());
}

}  // namespace
}  // namespace apisensor::pipeline
