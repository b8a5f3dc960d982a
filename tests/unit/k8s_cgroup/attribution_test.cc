// Kubernetes identity carried through the agent: the Attributor fills ExchangeRecord::k8s from a
// real cgroup and a pod directory, the trace JSON shows it only when known, and the inventory
// names services and callers `namespace/workload`.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "agent/api/inventory_json.h"
#include "agent/detectors/finding_builder.h"
#include "agent/inventory/inventory.h"
#include "agent/inventory/service_identity.h"
#include "agent/k8s/cgroup/attributor.h"
#include "exporters/json/exchange_json.h"
#include "tests/unit/k8s_cgroup/static_directory.h"
#include "tests/unit/k8s_cgroup/test_cgroup.h"
#include "tests/unit/support/socket_address.h"

namespace apisensor::k8s {
namespace {

using testing::StaticDirectory;
using testing::TestCgroup;

const std::string kId = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";
const std::string kUid = "11111111-2222-4333-8444-555555555555";
const std::string kUid_ = "11111111_2222_4333_8444_555555555555";
const std::string kPodPath = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" +
                             kUid_ + ".slice/cri-containerd-" + kId + ".scope";

using apisensor::testing::V4;

PodMetadata Pod(std::string uid, std::string ns, std::string name, std::string kind,
                std::string workload, std::string ip, bool host_network = false) {
  PodMetadata p;
  p.uid = std::move(uid);
  p.namespace_name = std::move(ns);
  p.name = std::move(name);
  p.workload_kind = std::move(kind);
  p.workload = std::move(workload);
  p.ip = std::move(ip);
  p.service_account = "default";
  p.labels = {{"app", p.workload}};
  p.host_network = host_network;
  return p;
}

class AttributionTest : public ::testing::Test {
 protected:
  AttributionTest() {
    checkout_ = directory_.Add(
        Pod(kUid, "shop", "checkout-7d9f8-abcde", "Deployment", "checkout", "10.244.1.7"));
    frontend_ = directory_.Add(Pod("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "shop", "frontend-0",
                                   "StatefulSet", "frontend", "10.244.2.9"));
    directory_.Add(Pod("bbbbbbbb-bbbb-4ccc-8ddd-eeeeeeeeeeee", "kube-system", "kube-proxy-x",
                       "DaemonSet", "kube-proxy", "192.168.1.10", /*host_network=*/true));
    payments_ = directory_.Add(ServiceMetadata{"shop", "payments", "10.96.0.42"});
  }

  StaticDirectory directory_;
  std::shared_ptr<const PodMetadata> checkout_, frontend_;
  std::shared_ptr<const ServiceMetadata> payments_;
};

TEST_F(AttributionTest, PodFromTheCgroupAndPeersFromTheirAddresses) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  TestCgroup cgroup(kPodPath);
  AttributionOptions options;
  options.pods = &directory_;
  Attributor attributor(options);
  const ProcessIdentity process{0, "java", cgroup.id()};
  K8sIdentity k8s;

  // Served: the caller is the frontend pod.
  attributor.Attribute(process, V4("10.244.1.7", 8080), V4("10.244.2.9", 40000), 1, k8s);
  ASSERT_NE(k8s.container, nullptr);
  EXPECT_EQ(k8s.container->container_id, kId);
  EXPECT_EQ(k8s.container->pod_uid, kUid);
  EXPECT_EQ(k8s.pod, checkout_);
  EXPECT_EQ(k8s.peer_pod, frontend_);
  EXPECT_EQ(k8s.peer_service, nullptr);

  // Egress to a ClusterIP: the Service.
  attributor.Attribute(process, V4("10.244.1.7", 40001), V4("10.96.0.42", 80), 2, k8s);
  EXPECT_EQ(k8s.pod, checkout_);
  EXPECT_EQ(k8s.peer_pod, nullptr);
  EXPECT_EQ(k8s.peer_service, payments_);

  // A host-network pod's address is the node's: no identity. An unknown address: none either.
  attributor.Attribute(process, V4("10.244.1.7", 8080), V4("192.168.1.10", 5000), 3, k8s);
  EXPECT_EQ(k8s.peer_pod, nullptr);
  EXPECT_EQ(k8s.peer_service, nullptr);
  attributor.Attribute(process, V4("10.244.1.7", 8080), V4("8.8.8.8", 443), 4, k8s);
  EXPECT_TRUE(k8s.peer_pod == nullptr && k8s.peer_service == nullptr);

  EXPECT_EQ(attributor.stats().pods_known, 4u);
  EXPECT_EQ(attributor.stats().peers_pod, 1u);
  EXPECT_EQ(attributor.stats().peers_service, 1u);
  EXPECT_EQ(attributor.resolver()->stats().misses, 1u);  // one cgroup, resolved once
}

TEST_F(AttributionTest, PodNotYetInTheDirectoryKeepsItsContainerAndUid) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  TestCgroup cgroup("kubepods/besteffort/pod99999999-2222-4333-8444-555555555555/" + kId);
  AttributionOptions options;
  options.pods = &directory_;
  Attributor attributor(options);
  K8sIdentity k8s;
  attributor.Attribute({0, "app", cgroup.id()}, V4("10.244.3.3", 80), V4("10.0.0.1", 1), 1, k8s);
  ASSERT_NE(k8s.container, nullptr);
  EXPECT_EQ(k8s.container->pod_uid, "99999999-2222-4333-8444-555555555555");
  EXPECT_EQ(k8s.pod, nullptr);
  EXPECT_EQ(attributor.stats().pods_unknown, 1u);
}

TEST_F(AttributionTest, WithoutAUsableCgroupThePodsOwnAddressNamesIt) {
  AttributionOptions options;
  options.containers = false;
  options.pods = &directory_;
  Attributor attributor(options);
  K8sIdentity k8s;
  attributor.Attribute({0, "java", 0}, V4("10.244.1.7", 8080), V4("10.244.2.9", 1), 1, k8s);
  EXPECT_EQ(k8s.container, nullptr);
  EXPECT_EQ(k8s.pod, checkout_);
  EXPECT_EQ(attributor.stats().pods_by_ip, 1u);
  // The node's address is a host-network pod's, which names no one.
  attributor.Attribute({0, "x", 0}, V4("192.168.1.10", 8080), V4("10.244.2.9", 1), 2, k8s);
  EXPECT_EQ(k8s.pod, nullptr);
  EXPECT_EQ(attributor.resolver(), nullptr);
}

TEST_F(AttributionTest, HostModeKnowsOnlyTheContainer) {
  APISENSOR_REQUIRE_CGROUP_ROOT();
  TestCgroup cgroup("system.slice/docker-" + kId + ".scope");
  Attributor attributor(AttributionOptions{});
  K8sIdentity k8s;
  attributor.Attribute({0, "nginx", cgroup.id()}, V4("10.244.1.7", 80), V4("10.244.2.9", 1), 1,
                       k8s);
  ASSERT_NE(k8s.container, nullptr);
  EXPECT_EQ(k8s.container->runtime, ContainerRuntime::kDocker);
  EXPECT_EQ(k8s.container->container_id, kId);
  EXPECT_EQ(k8s.pod, nullptr);
  EXPECT_EQ(k8s.peer_pod, nullptr);
}

// --- the trace JSON ---

ExchangeRecord Served() {
  ExchangeRecord r;
  r.ts_unix_ns = 1'795'428'000'000'000'000ULL;
  r.role = Role::kServer;
  r.process = {42, "java", 4242};
  r.local = V4("10.244.1.7", 8080);
  r.remote = V4("10.244.2.9", 40000);
  r.http.request.method = "GET";
  r.http.request.target = "/cart";
  r.http.request.headers = {{"host", "checkout.shop"}};
  return r;
}

rapidjson::Document Json(const ExchangeRecord& r) {
  exporters::ExchangeJsonWriter writer;
  std::string line;
  writer.Append(r, line);
  rapidjson::Document d;
  d.Parse(line.data(), line.size() - 1);
  EXPECT_FALSE(d.HasParseError()) << line;
  return d;
}

std::string Text(const ExchangeRecord& r) {
  exporters::ExchangeJsonWriter writer;
  std::string line;
  writer.Append(r, line);
  return line;
}

TEST_F(AttributionTest, JsonHasNoK8sObjectWhenNothingIsKnown) {
  const std::string line = Text(Served());
  EXPECT_EQ(line.find("k8s"), std::string::npos) << line;
}

TEST_F(AttributionTest, JsonOfAContainerOutsideKubernetesHasOnlyItsId) {
  ExchangeRecord r = Served();
  r.k8s.container = std::make_shared<const ContainerIdentity>(
      ContainerIdentity{ContainerRuntime::kDocker, kId, "", QosClass::kNone});
  const std::string without = Text(Served());
  const std::string with = Text(r);
  // Exactly one member more, after cgroup_id.
  const std::string member = "\"k8s\":{\"container_id\":\"" + kId + "\"},";
  const size_t at = with.find(member);
  ASSERT_NE(at, std::string::npos) << with;
  EXPECT_EQ(with.substr(0, at) + with.substr(at + member.size()), without);
}

TEST_F(AttributionTest, JsonOfAKnownPodAndPeers) {
  ExchangeRecord r = Served();
  r.k8s.container = std::make_shared<const ContainerIdentity>(
      ContainerIdentity{ContainerRuntime::kContainerd, kId, kUid, QosClass::kBurstable});
  r.k8s.pod = checkout_;
  r.k8s.peer_pod = frontend_;
  rapidjson::Document d = Json(r);
  ASSERT_TRUE(d.HasMember("k8s"));
  const auto& k = d["k8s"];
  EXPECT_STREQ(k["container_id"].GetString(), kId.c_str());
  EXPECT_STREQ(k["pod_uid"].GetString(), kUid.c_str());
  EXPECT_STREQ(k["namespace"].GetString(), "shop");
  EXPECT_STREQ(k["pod"].GetString(), "checkout-7d9f8-abcde");
  EXPECT_STREQ(k["workload"].GetString(), "checkout");
  EXPECT_STREQ(k["workload_kind"].GetString(), "Deployment");
  EXPECT_EQ(k.MemberCount(), 7u);
  EXPECT_STREQ(k["peer"]["namespace"].GetString(), "shop");
  EXPECT_STREQ(k["peer"]["workload"].GetString(), "frontend");
  EXPECT_EQ(k["peer"].MemberCount(), 2u);

  r.k8s.peer_pod = nullptr;
  r.k8s.peer_service = payments_;
  rapidjson::Document s = Json(r);
  EXPECT_STREQ(s["k8s"]["peer"]["service"].GetString(), "payments");
  EXPECT_FALSE(s["k8s"]["peer"].HasMember("workload"));

  // Known by address only (no container): the pod's UID comes from the directory.
  r.k8s.container = nullptr;
  rapidjson::Document a = Json(r);
  EXPECT_STREQ(a["k8s"]["pod_uid"].GetString(), kUid.c_str());
  EXPECT_FALSE(a["k8s"].HasMember("container_id"));
}

// --- the inventory's names ---

TEST_F(AttributionTest, ServiceIsNamespaceWorkloadAndCallersFollow) {
  inventory::LocalAddresses local;
  inventory::ServiceOfExchange who;

  ExchangeRecord r = Served();
  ASSERT_TRUE(inventory::IdentifyService(r, local, who));
  EXPECT_EQ(who.name, "java:8080");  // host mode: unchanged
  EXPECT_EQ(who.caller, "10.244.2.9");
  EXPECT_FALSE(who.workload_named);
  EXPECT_FALSE(who.service_k8s.known());
  EXPECT_FALSE(who.caller_k8s.known());

  r.k8s.pod = checkout_;
  r.k8s.peer_pod = frontend_;
  ASSERT_TRUE(inventory::IdentifyService(r, local, who));
  EXPECT_EQ(who.name, "shop/checkout");
  EXPECT_EQ(who.process, "java");
  EXPECT_EQ(who.port, 8080);
  EXPECT_EQ(who.caller, "shop/frontend");
  EXPECT_TRUE(who.workload_named);
  EXPECT_EQ(who.service_k8s, (WorkloadIdentity{"shop", "checkout", "Deployment"}));
  EXPECT_EQ(who.caller_k8s, (WorkloadIdentity{"shop", "frontend", "StatefulSet"}));

  // The checkout pod calling the payments Service: named after the Service, called by checkout.
  ExchangeRecord c = Served();
  c.role = Role::kClient;
  c.local = V4("10.244.1.7", 40001);
  c.remote = V4("10.96.0.42", 80);
  c.http.request.headers = {{"host", "payments.shop"}};
  ASSERT_TRUE(inventory::IdentifyService(c, local, who));
  EXPECT_EQ(who.kind, inventory::ServiceKind::kExternal);  // host mode: an egress call
  EXPECT_EQ(who.name, "payments.shop");
  EXPECT_EQ(who.caller, "java");
  EXPECT_FALSE(who.service_k8s.known());
  EXPECT_FALSE(who.caller_k8s.known());
  c.k8s.pod = checkout_;
  c.k8s.peer_service = payments_;
  ASSERT_TRUE(inventory::IdentifyService(c, local, who));
  EXPECT_EQ(who.kind, inventory::ServiceKind::kLocal);
  EXPECT_EQ(who.name, "shop/payments");
  EXPECT_EQ(who.caller, "shop/checkout");
  EXPECT_EQ(who.port, 80);
  EXPECT_EQ(who.service_k8s, (WorkloadIdentity{"shop", "payments", "Service"}));
  EXPECT_EQ(who.caller_k8s, (WorkloadIdentity{"shop", "checkout", "Deployment"}));

  // To an address outside the cluster, still an egress call, but the caller is the workload.
  c.k8s.peer_service = nullptr;
  c.remote = V4("93.184.216.34", 443);
  c.http.request.headers = {{"host", "api.example.com"}};
  ASSERT_TRUE(inventory::IdentifyService(c, local, who));
  EXPECT_EQ(who.kind, inventory::ServiceKind::kExternal);
  EXPECT_EQ(who.name, "api.example.com");
  EXPECT_EQ(who.caller, "shop/checkout");
  EXPECT_FALSE(who.service_k8s.known());  // the previous call's Service is not kept
  EXPECT_EQ(who.caller_k8s, (WorkloadIdentity{"shop", "checkout", "Deployment"}));

  // A bare pod is its own workload, of kind Pod.
  auto bare = std::make_shared<PodMetadata>(
      Pod("cccccccc-bbbb-4ccc-8ddd-eeeeeeeeeeee", "debug", "toolbox", "", "", "10.244.3.3"));
  r.k8s.pod = bare;
  ASSERT_TRUE(inventory::IdentifyService(r, local, who));
  EXPECT_EQ(who.name, "debug/toolbox");
  EXPECT_EQ(who.service_k8s, (WorkloadIdentity{"debug", "toolbox", "Pod"}));
}

// --- endpoints and findings ---

template <typename Write>
rapidjson::Document JsonOf(Write write) {
  rapidjson::StringBuffer buffer;
  api::JsonWriter w(buffer);
  write(w);
  rapidjson::Document d;
  d.Parse(buffer.GetString(), buffer.GetSize());
  EXPECT_FALSE(d.HasParseError()) << buffer.GetString();
  return d;
}

void ExpectWorkloadJson(const rapidjson::Value& v, const char* ns, const char* name,
                        const char* kind) {
  ASSERT_TRUE(v.IsObject());
  EXPECT_STREQ(v["namespace"].GetString(), ns);
  EXPECT_STREQ(v["workload"].GetString(), name);
  EXPECT_STREQ(v["workload_kind"].GetString(), kind);
}

TEST_F(AttributionTest, EndpointsServicesAndFindingsCarryTheirWorkloads) {
  sensitive::Scanner scanner;
  inventory::Inventory inventory({}, scanner, nullptr, nullptr);
  ExchangeRecord r = Served();
  r.k8s.pod = checkout_;
  r.k8s.peer_pod = frontend_;
  const inventory::ObservedEndpoint* observed = inventory.Observe(r);
  ASSERT_NE(observed, nullptr);
  const findings::Finding f = detectors::StartFinding(
      "unauthenticated_access", findings::Severity::kHigh, "API2:2023", "t", "d", r, *observed);
  EXPECT_EQ(f.service, "shop/checkout");
  EXPECT_EQ(f.k8s, (WorkloadIdentity{"shop", "checkout", "Deployment"}));
  EXPECT_EQ(f.caller, "shop/frontend");
  EXPECT_EQ(f.caller_k8s, (WorkloadIdentity{"shop", "frontend", "StatefulSet"}));

  // A host-mode service next to it: no workload anywhere.
  const ExchangeRecord host = Served();
  const inventory::ObservedEndpoint* plain = inventory.Observe(host);
  ASSERT_NE(plain, nullptr);
  const findings::Finding g = detectors::StartFinding(
      "unauthenticated_access", findings::Severity::kHigh, "API2:2023", "t", "d", host, *plain);
  EXPECT_FALSE(g.k8s.known());
  EXPECT_FALSE(g.caller_k8s.known());

  const inventory::PublishResult published = inventory.Publish(r.ts_unix_ns);
  ASSERT_EQ(published.view->endpoints.size(), 2u);
  ASSERT_EQ(published.view->services.size(), 2u);
  for (const auto& e : published.view->endpoints) {
    const rapidjson::Document d =
        JsonOf([&](api::JsonWriter& w) { api::WriteEndpoint(w, *e, false); });
    if (e->service == "shop/checkout") {
      EXPECT_EQ(e->k8s, (WorkloadIdentity{"shop", "checkout", "Deployment"}));
      ExpectWorkloadJson(d["k8s"], "shop", "checkout", "Deployment");
    } else {
      EXPECT_EQ(e->service, "java:8080");
      EXPECT_FALSE(d.HasMember("k8s"));
    }
  }
  for (const inventory::ServiceView& s : published.view->services) {
    const rapidjson::Document d = JsonOf([&](api::JsonWriter& w) { api::WriteService(w, s); });
    EXPECT_EQ(d.HasMember("k8s"), s.name == "shop/checkout") << s.name;
  }
  const rapidjson::Document fj = JsonOf([&](api::JsonWriter& w) { api::WriteFinding(w, f); });
  ExpectWorkloadJson(fj["k8s"], "shop", "checkout", "Deployment");
  ExpectWorkloadJson(fj["caller_k8s"], "shop", "frontend", "StatefulSet");
  const rapidjson::Document gj = JsonOf([&](api::JsonWriter& w) { api::WriteFinding(w, g); });
  EXPECT_FALSE(gj.HasMember("k8s"));
  EXPECT_FALSE(gj.HasMember("caller_k8s"));
}

TEST(WorkloadTextTest, RoundTripsAndRefusesWhatItWouldNotWrite) {
  const WorkloadIdentity checkout{"shop", "checkout", "Deployment"};
  EXPECT_EQ(WorkloadText(checkout), "shop/checkout/Deployment");
  EXPECT_EQ(WorkloadText(WorkloadIdentity{}), "");
  WorkloadIdentity back{"x", "y", "z"};
  ASSERT_TRUE(ParseWorkloadText("shop/checkout/Deployment", back));
  EXPECT_EQ(back, checkout);
  ASSERT_TRUE(ParseWorkloadText("", back));
  EXPECT_FALSE(back.known());
  for (const char* bad :
       {"shop", "shop/checkout", "/checkout/Deployment", "shop//Deployment", "a/b/c/d"}) {
    EXPECT_FALSE(ParseWorkloadText(bad, back)) << bad;
    EXPECT_FALSE(back.known()) << bad;
  }
}

}  // namespace
}  // namespace apisensor::k8s
