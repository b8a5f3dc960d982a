// Kubernetes JSON → directory entries, on the recorded API responses and on garbled input.
#include "agent/k8s/api/k8s_objects.h"

#include <gtest/gtest.h>

#include "agent/k8s/api/workload_resolver.h"
#include "tests/unit/k8s_api/fake_api_server.h"

namespace apisensor::k8s::api {
namespace {

using apisensor::testing::ReadTestData;

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError());
  return doc;
}

TEST(K8sObjects, PodFromRecordedList) {
  const rapidjson::Document list = Parse(ReadTestData("node_pods_page1.json"));
  const auto& items = list["items"];
  ASSERT_EQ(items.Size(), 3u);

  const std::optional<PodObject> checkout = ParsePod(items[0], {});
  ASSERT_TRUE(checkout);
  EXPECT_EQ(checkout->meta.uid, "0b7c2f5e-3a41-4c55-9d0e-6f1a2b3c4d5e");
  EXPECT_EQ(checkout->meta.namespace_name, "shop");
  EXPECT_EQ(checkout->meta.name, "checkout-7d4b9c8f6d-x2k9p");
  EXPECT_EQ(checkout->meta.node, "node-a");
  EXPECT_EQ(checkout->meta.ip, "10.244.1.12");
  EXPECT_EQ(checkout->meta.service_account, "checkout");
  EXPECT_FALSE(checkout->meta.host_network);
  EXPECT_EQ(checkout->ips, std::vector<std::string>{"10.244.1.12"});
  EXPECT_EQ(checkout->phase, "Running");
  EXPECT_EQ(checkout->owner, (OwnerRef{"ReplicaSet", "checkout-7d4b9c8f6d"}));
  EXPECT_EQ(checkout->pod_template_hash, "7d4b9c8f6d");
  EXPECT_EQ(checkout->meta.labels,
            (std::map<std::string, std::string>{
                {"app", "checkout"}, {"pod-template-hash", "7d4b9c8f6d"}, {"tier", "web"}}));
  EXPECT_TRUE(AddressesIdentify(*checkout));
  EXPECT_EQ(WorkloadResolver::Infer(*checkout), (OwnerRef{"Deployment", "checkout"}));

  const std::optional<PodObject> exporter = ParsePod(items[2], {});
  ASSERT_TRUE(exporter);
  EXPECT_TRUE(exporter->meta.host_network);
  EXPECT_FALSE(AddressesIdentify(*exporter));
  EXPECT_EQ(exporter->owner, (OwnerRef{"DaemonSet", "node-exporter"}));

  EXPECT_EQ(ResourceVersionOf(list), "48213");
}

TEST(K8sObjects, OwnersOfReplicaSetAndJob) {
  EXPECT_EQ(ControllerOf(Parse(ReadTestData("replicaset_checkout.json"))),
            (OwnerRef{"Deployment", "checkout"}));
  EXPECT_EQ(ControllerOf(Parse(ReadTestData("job_report.json"))), (OwnerRef{"CronJob", "report"}));
  EXPECT_EQ(ControllerOf(Parse(ReadTestData("replicaset_legacy_api.json"))), OwnerRef{});
  // Not the controller, or a kind that is no identifier: no owner.
  EXPECT_EQ(ControllerOf(Parse(R"({"metadata":{"ownerReferences":[{"kind":"Deployment",)"
                               R"("name":"a","controller":false}]}})")),
            OwnerRef{});
  EXPECT_EQ(ControllerOf(Parse(R"({"metadata":{"ownerReferences":[{"kind":"Dep/loy",)"
                               R"("name":"a","controller":true}]}})")),
            OwnerRef{});
}

TEST(K8sObjects, InferredWorkloads) {
  PodObject pod;
  pod.meta.name = "web-1";
  EXPECT_EQ(WorkloadResolver::Infer(pod), (OwnerRef{"Pod", "web-1"}));
  pod.owner = {"ReplicaSet", "api-5d8f"};  // no pod-template-hash: a bare ReplicaSet
  EXPECT_EQ(WorkloadResolver::Infer(pod), (OwnerRef{"ReplicaSet", "api-5d8f"}));
  pod.pod_template_hash = "5d8f";
  EXPECT_EQ(WorkloadResolver::Infer(pod), (OwnerRef{"Deployment", "api"}));
  pod.pod_template_hash = "9999";
  EXPECT_EQ(WorkloadResolver::Infer(pod), (OwnerRef{"ReplicaSet", "api-5d8f"}));
  pod.owner = {"Job", "report-28467120"};
  EXPECT_EQ(WorkloadResolver::Infer(pod), (OwnerRef{"Job", "report-28467120"}));
  pod.owner = {"StatefulSet", "db"};
  EXPECT_EQ(WorkloadResolver::Infer(pod), (OwnerRef{"StatefulSet", "db"}));
}

TEST(K8sObjects, ServicesWithoutHeadlessAddresses) {
  const rapidjson::Document list = Parse(ReadTestData("services_list.json"));
  const auto& items = list["items"];
  ASSERT_EQ(items.Size(), 4u);
  const auto headless = ParseService(items[2]);
  ASSERT_TRUE(headless);
  EXPECT_EQ(headless->meta.name, "orders-db");
  EXPECT_TRUE(headless->ips.empty());
  EXPECT_EQ(headless->meta.cluster_ip, "");
  const auto dual = ParseService(items[3]);
  ASSERT_TRUE(dual);
  EXPECT_EQ(dual->ips, (std::vector<std::string>{"10.96.40.1", "fd00:10:96::4001"}));
}

TEST(K8sObjects, WatchEventsOfEveryType) {
  const std::string lines = ReadTestData("watch_node_pods_1.jsonl");
  rapidjson::Document doc;
  const std::string first = lines.substr(0, lines.find('\n'));
  auto event = ParseWatchEvent(first, doc);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, EventType::kAdded);
  EXPECT_EQ(ResourceVersionOf(*event->object), "48250");
  const std::string last = lines.substr(lines.rfind('\n', lines.size() - 2) + 1);
  event = ParseWatchEvent(last, doc);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, EventType::kBookmark);
  EXPECT_EQ(ResourceVersionOf(*event->object), "48300");

  event = ParseWatchEvent(ReadTestData("watch_error_410.jsonl"), doc);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, EventType::kError);
  EXPECT_EQ(event->code, 410);
  EXPECT_EQ(event->message, "too old resource version: 48310 (48450)");
}

TEST(K8sObjects, GarbledInputIsRefusedWithoutCrashing) {
  rapidjson::Document doc;
  for (const std::string& bad :
       {std::string(), std::string("{"), std::string("null"), std::string(R"({"type":"ADDED"})"),
        std::string(R"({"type":"ADDED","object":[]})"), std::string(R"({"type":7,"object":{}})"),
        std::string(1 << 20, '['), std::string(1 << 20, '{'),
        std::string(R"({"type":"ADDED","object":{}} trailing)")}) {
    EXPECT_FALSE(ParseWatchEvent(bad, doc)) << bad.substr(0, 40);
  }
  // Wrong types everywhere: no pod, no crash.
  for (const char* pod :
       {R"({})", R"({"metadata":[]})", R"({"metadata":{"uid":1,"name":"a","namespace":"b"}})",
        R"({"metadata":{"uid":"u","name":"A_B","namespace":"b"}})",
        R"({"metadata":{"uid":"u/../x","name":"a","namespace":"b"}})"}) {
    EXPECT_FALSE(ParsePod(Parse(pod), {})) << pod;
  }
  const auto odd = ParsePod(Parse(R"({"metadata":{"uid":"u","name":"a","namespace":"b",)"
                                  R"("labels":{"k":1,"ok":"v"}},"spec":{"hostNetwork":"yes"},)"
                                  R"("status":{"podIP":"10.0.0.999","podIPs":{"ip":"x"}}})"),
                            {});
  ASSERT_TRUE(odd);
  EXPECT_FALSE(odd->meta.host_network);
  EXPECT_TRUE(odd->ips.empty());
  EXPECT_EQ(odd->meta.labels, (std::map<std::string, std::string>{{"ok", "v"}}));
}

// kube-apiserver, etcd and friends: the API shows a mirror pod whose UID the node's cgroups do not
// know; its annotation carries the kubelet's config hash, which they do.
TEST(K8sObjects, StaticPodMirrorsNameTheirConfigHash) {
  const auto mirror = ParsePod(
      Parse(R"({"metadata":{"uid":"5c1d2e3f-0000-4000-8000-000000000001","name":"etcd-node-a",)"
            R"("namespace":"kube-system","annotations":{"kubernetes.io/config.mirror":)"
            R"("4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d","kubernetes.io/config.source":"file"},)"
            R"("ownerReferences":[{"kind":"Node","name":"node-a","controller":true}]},)"
            R"("spec":{"nodeName":"node-a","hostNetwork":true}})"),
      {});
  ASSERT_TRUE(mirror);
  EXPECT_EQ(mirror->mirror_of, "4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d");
  for (const char* bad : {R"("../x")", R"(7)", R"("")"}) {
    const auto odd = ParsePod(
        Parse(std::string(R"({"metadata":{"uid":"u","name":"a","namespace":"b","annotations":)"
                          R"({"kubernetes.io/config.mirror":)") +
              bad + "}}}"),
        {});
    ASSERT_TRUE(odd) << bad;
    EXPECT_EQ(odd->mirror_of, "") << bad;
  }
}

TEST(K8sObjects, LabelCaps) {
  ObjectLimits limits;
  limits.max_labels = 2;
  limits.max_label_bytes = 10;
  const auto pod = ParsePod(Parse(R"({"metadata":{"uid":"u","name":"a","namespace":"b",)"
                                  R"("labels":{"a":"1","long":"0123456789","b":"2","c":"3"}}})"),
                            limits);
  ASSERT_TRUE(pod);
  EXPECT_EQ(pod->meta.labels, (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(pod->labels_dropped, 2u);
}

TEST(K8sObjects, AddressesNamesAndMessages) {
  EXPECT_EQ(CanonicalIp("10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(CanonicalIp("FD00:0:0::1"), "fd00::1");
  EXPECT_EQ(CanonicalIp("None"), "");
  EXPECT_EQ(CanonicalIp(std::string(100, '1')), "");
  EXPECT_TRUE(ValidName("checkout-7d4b9c8f6d"));
  EXPECT_FALSE(ValidName("../etc"));
  EXPECT_FALSE(ValidName("a/b"));
  EXPECT_FALSE(ValidName(std::string(254, 'a')));
  EXPECT_EQ(StatusMessage(ReadTestData("status_401.json")), "Unauthorized");
  EXPECT_EQ(StatusMessage("<html>bad gateway</html>"), "");
  EXPECT_EQ(Sanitize("a\nb\x1b[31m"), "a b [31m");
}

}  // namespace
}  // namespace apisensor::k8s::api
