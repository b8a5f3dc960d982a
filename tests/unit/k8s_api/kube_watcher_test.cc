// The watcher against a local HTTPS server serving recorded Kubernetes API responses
// (tests/data/k8s): list, watch, bookmarks, dropped connections, 410 Gone, 401/403, garbled and
// oversized answers. After each step the directory's whole content is compared.
#include "agent/k8s/api/kube_watcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>

#include "tests/unit/exporters_collector/test_pki.h"
#include "tests/unit/k8s_api/directory_dump.h"
#include "tests/unit/k8s_api/fake_api_server.h"

namespace apisensor::k8s::api {
namespace {

using apisensor::testing::Answer;
using apisensor::testing::CounterValue;
using apisensor::testing::Dump;
using apisensor::testing::FakeApiServer;
using apisensor::testing::ReadTestData;
using std::chrono::milliseconds;

const std::string kNodePods = FakeApiServer::Key("/api/v1/pods", "spec.nodeName=node-a");
const std::string kRemotePods = FakeApiServer::Key("/api/v1/pods", "spec.nodeName!=node-a");
const std::string kServices = FakeApiServer::Key("/api/v1/services");
const std::string kContinue =
    "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTMsInN0YXJ0IjoibW9uaXRvcmluZy9ub2RlLWV4cG9ydGVyLTV4"
    "cTd6XHUwMDAwIn0";
const std::string kCheckoutRs = "/apis/apps/v1/namespaces/shop/replicasets/checkout-7d4b9c8f6d";
const std::string kPaymentsRs = "/apis/apps/v1/namespaces/shop/replicasets/payments-6f9c7b5d4";
const std::string kLegacyRs = "/apis/apps/v1/namespaces/shop/replicasets/legacy-api";
const std::string kReportJob = "/apis/batch/v1/namespaces/batch/jobs/report-28467120";
const std::string kEmptyPodList =
    R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"48213"},"items":[]})";

const std::string kCheckout =
    "shop/checkout-7d4b9c8f6d-x2k9p uid=0b7c2f5e-3a41-4c55-9d0e-6f1a2b3c4d5e node=node-a "
    "ip=10.244.1.12 Deployment/checkout sa=checkout "
    "labels=app=checkout,pod-template-hash=7d4b9c8f6d,tier=web";
const std::string kOrdersDb =
    "shop/orders-db-0 uid=1c8d3a6f-4b52-4d66-8e1f-7a2b3c4d5e6f node=node-a ip=10.244.1.13 "
    "StatefulSet/orders-db sa=orders-db labels=app=orders-db,controller-revision-hash=orders-db-"
    "6c9b8d7f5,statefulset.kubernetes.io/pod-name=orders-db-0";
const std::string kExporter =
    "monitoring/node-exporter-5xq7z uid=2d9e4b7a-5c63-4e77-9f2a-8b3c4d5e6f7a node=node-a "
    "ip=192.168.49.2 DaemonSet/node-exporter sa=node-exporter hostNetwork "
    "labels=app.kubernetes.io/name=node-exporter,controller-revision-hash=7b6c5d4e3f,pod-"
    "template-generation=1";
const std::string kReport =
    "batch/report-28467120-abcde uid=3e0f5c8b-6d74-4f88-a03b-9c4d5e6f7a8b node=node-a "
    "ip=10.244.1.20 CronJob/report sa=report labels=batch.kubernetes.io/controller-uid=8b5a4f3e-"
    "2d1c-4987-6543-210fedcba987,batch.kubernetes.io/job-name=report-28467120,controller-uid="
    "8b5a4f3e-2d1c-4987-6543-210fedcba987,job-name=report-28467120";
const std::string kDebug =
    "default/debug-shell uid=4f1a6d9c-7e85-4a99-b14c-ad5e6f7a8b9c node=node-a ip=10.244.1.30 "
    "Pod/debug-shell sa=default labels=run=debug-shell";
const std::string kPaymentsRunning =
    "shop/payments-6f9c7b5d4-q8w2e uid=5a2b7e0d-8f96-4baa-c25d-be6f7a8b9c0d node=node-a "
    "ip=10.244.1.40 Deployment/payments sa=payments "
    "labels=app=payments,pod-template-hash=6f9c7b5d4,version=v2";
const std::string kLegacy =
    "shop/legacy-api-h7k2m uid=6b3c8f1e-9a07-4cbb-d36e-cf7a8b9c0d1e node=node-a ip=10.244.1.41 "
    "ReplicaSet/legacy-api sa=default labels=app=legacy-api";

std::string Label(const char* watch) { return metrics::Label("watch", watch); }
std::string Typed(const char* watch, const char* type) {
  return Label(watch) + "," + metrics::Label("type", type);
}

class KubeWatcherTest : public ::testing::Test {
 protected:
  KubeWatcherTest() : server_(pki_.dir + "/server.pem", pki_.dir + "/server.key") {
    token_file_ = pki_.Write("token", "token-1\n");
  }

  WatcherOptions Options() {
    WatcherOptions o;
    o.cluster.host = "127.0.0.1";
    o.cluster.port = server_.port();
    o.cluster.ca_file = pki_.ca_file();
    o.cluster.token_file = token_file_;
    o.cluster.node_name = "node-a";
    o.cluster.pod_namespace = "apisensor";
    o.watch_remote_pods = false;
    o.watch_services = false;
    o.resync_interval = milliseconds(0);
    o.watch_timeout_s = 30;
    o.backoff_initial = milliseconds(10);
    o.backoff_max = milliseconds(80);
    o.token_reread = std::chrono::hours(1);
    return o;
  }

  std::unique_ptr<KubeWatcher> Start(WatcherOptions options) {
    auto watcher = std::make_unique<KubeWatcher>(std::move(options), [this](const std::string& s) {
      std::lock_guard lock(log_mu_);
      logs_.push_back(s);
    });
    watcher->Start();
    return watcher;
  }

  std::vector<std::string> Logs() {
    std::lock_guard lock(log_mu_);
    return logs_;
  }
  size_t LogsContaining(const std::string& text) {
    size_t n = 0;
    for (const std::string& line : Logs()) n += line.find(text) != std::string::npos;
    return n;
  }

  // Answers for the node's two list pages and the owners they need.
  void ServeNodePods() {
    server_.SetAnswers(kNodePods, {{200, ReadTestData("node_pods_page1.json")}});
    server_.SetAnswers(FakeApiServer::Key("/api/v1/pods", "spec.nodeName=node-a", kContinue),
                       {{200, ReadTestData("node_pods_page2.json")}});
    server_.SetAnswers(kCheckoutRs, {{200, ReadTestData("replicaset_checkout.json")}});
    server_.SetAnswers(kPaymentsRs, {{200, ReadTestData("replicaset_payments.json")}});
    server_.SetAnswers(kLegacyRs, {{200, ReadTestData("replicaset_legacy_api.json")}});
    server_.SetAnswers(kReportJob, {{200, ReadTestData("job_report.json")}});
  }

  static bool Eventually(const std::function<bool()>& done) {
    return FakeApiServer::WaitUntil(done, std::chrono::seconds(5));
  }

  apisensor::testing::TestPki pki_;
  FakeApiServer server_;
  std::string token_file_;
  std::mutex log_mu_;
  std::vector<std::string> logs_;
};

TEST_F(KubeWatcherTest, ListsWatchesReconnectsAndRelistsOnGone) {
  ServeNodePods();
  auto watcher = Start(Options());
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));
  const std::vector<std::string> initial = {
      "local " + kReport,
      "local " + kDebug,
      "local " + kExporter,
      "local " + kCheckout,
      "local " + kOrdersDb,
      // Neither the host-network pod (the node's address) nor the finished Job pod.
      "pod-ip 10.244.1.12 shop/checkout-7d4b9c8f6d-x2k9p",
      "pod-ip 10.244.1.13 shop/orders-db-0",
      "pod-ip 10.244.1.30 default/debug-shell",
  };
  EXPECT_EQ(Dump(watcher->tables()), initial);

  // The list: this node's pods only, paged, with the service account's token.
  const auto lists = server_.requests(kNodePods, false);
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].path, "/api/v1/pods");
  EXPECT_EQ(lists[0].param("fieldSelector"), "spec.nodeName=node-a");
  EXPECT_EQ(lists[0].param("limit"), "500");
  EXPECT_EQ(lists[0].param("continue"), "");
  const auto page2 = server_.requests(
      FakeApiServer::Key("/api/v1/pods", "spec.nodeName=node-a", kContinue), false);
  ASSERT_EQ(page2.size(), 1u);
  EXPECT_EQ(page2[0].param("continue"), kContinue);
  for (const auto& r : server_.requests()) EXPECT_EQ(r.authorization, "Bearer token-1") << r.key;
  ASSERT_TRUE(Eventually([&] { return server_.requests(kNodePods, true).size() == 1; }));
  const auto watch1 = server_.requests(kNodePods, true)[0];
  EXPECT_EQ(watch1.param("resourceVersion"), "48213");
  EXPECT_EQ(watch1.param("allowWatchBookmarks"), "true");
  EXPECT_EQ(watch1.param("fieldSelector"), "spec.nodeName=node-a");

  // ADDED (pending, no address), MODIFIED (running, address, new label), BOOKMARK.
  server_.PushLines(kNodePods, ReadTestData("watch_node_pods_1.jsonl"));
  ASSERT_TRUE(Eventually([&] {
    return CounterValue(watcher->Counters(), "k8s_watch_events", Typed("local_pods", "bookmark")) ==
           1;
  }));
  std::vector<std::string> step1 = {
      "local " + kReport,
      "local " + kDebug,
      "local " + kExporter,
      "local " + kCheckout,
      "local " + kOrdersDb,
      "local " + kPaymentsRunning,
      "pod-ip 10.244.1.12 shop/checkout-7d4b9c8f6d-x2k9p",
      "pod-ip 10.244.1.13 shop/orders-db-0",
      "pod-ip 10.244.1.30 default/debug-shell",
      "pod-ip 10.244.1.40 shop/payments-6f9c7b5d4-q8w2e",
  };
  EXPECT_EQ(Dump(watcher->tables()), step1);

  // A dropped connection: the watch resumes from the bookmark's resourceVersion.
  server_.PushDrop(kNodePods);
  ASSERT_TRUE(Eventually([&] { return server_.requests(kNodePods, true).size() == 2; }));
  EXPECT_EQ(server_.requests(kNodePods, true)[1].param("resourceVersion"), "48300");
  EXPECT_EQ(server_.requests(kNodePods, false).size(), 1u);  // no relist for a drop

  server_.PushLines(kNodePods, ReadTestData("watch_node_pods_2.jsonl"));  // DELETED debug-shell
  ASSERT_TRUE(Eventually([&] {
    return watcher->tables().PodByUid("4f1a6d9c-7e85-4a99-b14c-ad5e6f7a8b9c") == nullptr;
  }));
  const std::vector<std::string> step2 = {
      "local " + kReport,
      "local " + kExporter,
      "local " + kCheckout,
      "local " + kOrdersDb,
      "local " + kPaymentsRunning,
      "pod-ip 10.244.1.12 shop/checkout-7d4b9c8f6d-x2k9p",
      "pod-ip 10.244.1.13 shop/orders-db-0",
      "pod-ip 10.244.1.40 shop/payments-6f9c7b5d4-q8w2e",
  };
  EXPECT_EQ(Dump(watcher->tables()), step2);

  // ERROR 410 "too old resource version": a full relist replaces the table (the Job's pod is
  // gone without a DELETED event, a pod of a bare ReplicaSet appeared).
  server_.SetAnswers(kNodePods, {{200, ReadTestData("node_pods_relist.json")}});
  server_.PushLines(kNodePods, ReadTestData("watch_error_410.jsonl"));
  ASSERT_TRUE(Eventually([&] { return server_.requests(kNodePods, true).size() == 3; }));
  EXPECT_EQ(server_.requests(kNodePods, false).size(), 2u);
  EXPECT_EQ(server_.requests(kNodePods, true)[2].param("resourceVersion"), "48500");
  const std::vector<std::string> relisted = {
      "local " + kExporter,
      "local " + kCheckout,
      "local " + kLegacy,
      "local " + kOrdersDb,
      "local " + kPaymentsRunning,
      "pod-ip 10.244.1.12 shop/checkout-7d4b9c8f6d-x2k9p",
      "pod-ip 10.244.1.13 shop/orders-db-0",
      "pod-ip 10.244.1.40 shop/payments-6f9c7b5d4-q8w2e",
      "pod-ip 10.244.1.41 shop/legacy-api-h7k2m",
  };
  EXPECT_EQ(Dump(watcher->tables()), relisted);

  // 410 as the HTTP status of a watch request: relist again.
  server_.PushEnd(kNodePods);
  server_.PushAnswer(kNodePods, {410, ReadTestData("status_410.json")});
  ASSERT_TRUE(Eventually([&] { return server_.requests(kNodePods, false).size() == 3; }));
  ASSERT_TRUE(Eventually([&] { return server_.requests(kNodePods, true).size() == 5; }));
  EXPECT_EQ(Dump(watcher->tables()), relisted);

  // Owners are fetched once each, then cached.
  EXPECT_EQ(server_.requests(kCheckoutRs, false).size(), 1u);
  EXPECT_EQ(server_.requests(kPaymentsRs, false).size(), 1u);
  EXPECT_EQ(server_.requests(kReportJob, false).size(), 1u);
  EXPECT_EQ(server_.requests(kLegacyRs, false).size(), 1u);

  const auto c = watcher->Counters();
  EXPECT_EQ(CounterValue(c, "k8s_lists", Label("local_pods")), 3);
  EXPECT_EQ(CounterValue(c, "k8s_list_pages", Label("local_pods")), 4);
  EXPECT_EQ(CounterValue(c, "k8s_watch_events", Typed("local_pods", "added")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_watch_events", Typed("local_pods", "modified")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_watch_events", Typed("local_pods", "deleted")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_watch_events", Typed("local_pods", "error")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_relists_gone", Label("local_pods")), 2);
  EXPECT_GE(CounterValue(c, "k8s_reconnects", Label("local_pods")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_synced", Label("local_pods")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_local_pods"), 5);
  EXPECT_EQ(CounterValue(c, "k8s_owner_lookups"), 4);
  EXPECT_EQ(CounterValue(c, "k8s_owner_cache_entries"), 4);
  EXPECT_EQ(CounterValue(c, "k8s_auth_failures", Label("local_pods")), 0);

  const auto start = std::chrono::steady_clock::now();
  watcher->Stop();  // with a watch open and silent
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
}

TEST_F(KubeWatcherTest, ServicesAndOtherNodesPodsResolvePeers) {
  server_.SetAnswers(kNodePods, {{200, kEmptyPodList}});
  server_.SetAnswers(kRemotePods, {{200, ReadTestData("remote_pods_list.json")}});
  server_.SetAnswers(kServices, {{200, ReadTestData("services_list.json")}});
  WatcherOptions options = Options();
  options.watch_remote_pods = true;
  options.watch_services = true;
  auto watcher = Start(options);
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));

  const std::string frontend =
      "web/frontend-5f7d8c9b4-abcde uid=7c4d9a2f-0b18-4dcc-e47f-d08b9c0d1e2f node=node-b "
      "ip=10.244.2.7 Deployment/frontend";
  const std::vector<std::string> expected = {
      // Identity and address only: no labels or service accounts for other nodes' pods, and
      // workloads inferred without requests (a Job stays a Job).
      "remote batch/cleanup-28467180-zz9kq uid=af7a2d5c-3e4b-4a0f-b7a0-a3be2f3a4b5c node=node-b "
      "ip=10.244.2.9 Job/cleanup-28467180",
      "remote kube-system/kube-proxy-7tq2w uid=9e6f1c4b-2d3a-4fee-a69b-f2ad1e2f3a4b node=node-b "
      "ip=192.168.49.3 DaemonSet/kube-proxy hostNetwork",
      "remote shop/inventory-0 uid=8d5e0b3a-1c29-4edd-f58a-e19c0d1e2f3a node=node-b "
      "ip=10.244.2.8 StatefulSet/inventory",
      "remote " + frontend,
      "service default/kubernetes 10.96.0.1",
      "service shop/checkout 10.96.12.34",
      "service shop/orders-db ",  // headless: no address
      "service web/frontend 10.96.40.1",
      "pod-ip 10.244.2.7 web/frontend-5f7d8c9b4-abcde",
      "pod-ip 10.244.2.8 shop/inventory-0",
      "pod-ip 10.244.2.9 batch/cleanup-28467180-zz9kq",
      "service-ip 10.96.0.1 default/kubernetes",
      "service-ip 10.96.12.34 shop/checkout",
      "service-ip 10.96.40.1 web/frontend",
      "service-ip fd00:10:96::4001 web/frontend",
  };
  EXPECT_EQ(Dump(watcher->tables()), expected);
  const auto remote = server_.requests(kRemotePods, false);
  ASSERT_EQ(remote.size(), 1u);
  EXPECT_EQ(remote[0].param("fieldSelector"), "spec.nodeName!=node-a");
  for (const auto& r : server_.requests()) EXPECT_EQ(r.path.rfind("/apis/", 0), std::string::npos);

  // Lookups as the pipeline makes them, IPv4-mapped addresses included.
  const PodDirectory& directory = *watcher->directory();
  ASSERT_NE(directory.PodByIp("::ffff:10.244.2.7"), nullptr);
  EXPECT_EQ(directory.PodByIp("::ffff:10.244.2.7")->workload, "frontend");
  EXPECT_EQ(directory.PodByIp("192.168.49.3"), nullptr);
  ASSERT_NE(directory.ServiceByIp("fd00:10:96::4001"), nullptr);
  EXPECT_EQ(directory.ServiceByIp("fd00:10:96::4001")->name, "frontend");

  server_.PushLines(kServices, ReadTestData("watch_services.jsonl"));
  server_.PushLines(kRemotePods, ReadTestData("watch_remote_pods.jsonl"));
  ASSERT_TRUE(Eventually([&] {
    return directory.ServiceByIp("10.96.12.34") == nullptr &&
           directory.PodByIp("10.244.2.10") != nullptr;
  }));
  const std::vector<std::string> after = {
      expected[0],
      expected[1],
      expected[2],
      expected[3],
      "remote web/frontend-5f7d8c9b4-fghij uid=b08b3e6d-4f5c-4b10-c8b1-b4cf3a4b5c6d "
      "node=node-b ip=10.244.2.10 Deployment/frontend",
      "service default/kubernetes 10.96.0.1",
      "service shop/orders-db ",
      "service shop/payments 10.96.50.5",
      "service web/frontend 10.96.40.1",
      "pod-ip 10.244.2.10 web/frontend-5f7d8c9b4-fghij",
      "pod-ip 10.244.2.7 web/frontend-5f7d8c9b4-abcde",
      "pod-ip 10.244.2.8 shop/inventory-0",
      "pod-ip 10.244.2.9 batch/cleanup-28467180-zz9kq",
      "service-ip 10.96.0.1 default/kubernetes",
      "service-ip 10.96.40.1 web/frontend",
      "service-ip 10.96.50.5 shop/payments",
      "service-ip fd00:10:96::4001 web/frontend",
  };
  EXPECT_EQ(Dump(watcher->tables()), after);
  const auto c = watcher->Counters();
  EXPECT_EQ(CounterValue(c, "k8s_services"), 4);
  EXPECT_EQ(CounterValue(c, "k8s_remote_pods"), 5);
  EXPECT_EQ(CounterValue(c, "k8s_watch_events", Typed("services", "deleted")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_owner_lookups"), 0);
}

TEST_F(KubeWatcherTest, ForbiddenIsOneSentenceUntilGranted) {
  server_.SetAnswers(kNodePods, {{200, kEmptyPodList}});
  server_.SetAnswers(kServices, {{403, ReadTestData("status_403_services.json")}});
  WatcherOptions options = Options();
  options.watch_services = true;
  auto watcher = Start(options);
  ASSERT_TRUE(Eventually([&] { return server_.requests(kServices, false).size() >= 4; }));
  EXPECT_FALSE(watcher->synced());
  EXPECT_EQ(LogsContaining("denied"), 1u);
  EXPECT_EQ(LogsContaining(
                "The Kubernetes API denied list services (HTTP 403: services is forbidden: User "
                "\"system:serviceaccount:apisensor:apisensor\" cannot list resource \"services\" "
                "in API group \"\" at the cluster scope): grant the agent's service account get, "
                "list and watch on services."),
            1u);
  EXPECT_GE(CounterValue(watcher->Counters(), "k8s_auth_failures", Label("services")), 3);

  // The RBAC is fixed: the next retry lists.
  server_.SetAnswers(kServices, {{200, ReadTestData("services_list.json")}});
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));
  EXPECT_EQ(watcher->tables().stats().services, 4u);
  EXPECT_EQ(LogsContaining("answers again: list services"), 1u);
}

TEST_F(KubeWatcherTest, RotatedTokenIsReadAgainAfterA401) {
  server_.SetAcceptedTokens({"token-1"});
  server_.SetAnswers(kNodePods, {{200, kEmptyPodList}});
  auto watcher = Start(Options());
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));
  ASSERT_TRUE(Eventually([&] { return server_.requests(kNodePods, true).size() == 1; }));

  // The kubelet rotates the token; the API server no longer takes the old one.
  pki_.Write("token", "token-2\n");
  server_.SetAcceptedTokens({"token-2"});
  server_.PushEnd(kNodePods);
  ASSERT_TRUE(Eventually([&] {
    for (const auto& r : server_.requests(kNodePods, true)) {
      if (r.authorization == "Bearer token-2") return true;
    }
    return false;
  }));
  const auto watches = server_.requests(kNodePods, true);
  EXPECT_EQ(watches[1].authorization, "Bearer token-1");  // refused with 401
  EXPECT_EQ(watches[2].authorization, "Bearer token-2");
  EXPECT_EQ(LogsContaining("The Kubernetes API refused the service account token for watch pods "
                           "(HTTP 401: Unauthorized); the agent re-reads " +
                           token_file_ + " and retries."),
            1u);
  EXPECT_EQ(CounterValue(watcher->Counters(), "k8s_auth_failures", Label("local_pods")), 1);
}

TEST_F(KubeWatcherTest, GarbledAndOversizedAnswersAreSkippedAndCounted) {
  std::string huge = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},)"
                     R"("items":[{"metadata":{"name":"big","namespace":"x","uid":"u1","labels":)"
                     R"({"a":")" +
                     std::string(2 << 20, 'a') + R"("}}}]})";
  server_.SetAnswers(kNodePods, {
                                    {200, R"({"kind":"PodList","items":[{"metadata":)"},
                                    {200, huge},
                                    {200, std::string(200000, '[')},
                                    {200, R"({"kind":"PodList","metadata":{},"items":[]})"},
                                    {200, ReadTestData("node_pods_page2.json")},
                                });
  server_.SetAnswers(kReportJob, {{200, ReadTestData("job_report.json")}});
  server_.SetAnswers(kPaymentsRs, {{200, ReadTestData("replicaset_payments.json")}});
  WatcherOptions options = Options();
  options.http.max_response_bytes = 256 << 10;
  options.http.max_event_bytes = 32 << 10;
  auto watcher = Start(options);
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));
  EXPECT_EQ(Dump(watcher->tables()),
            (std::vector<std::string>{"local " + kReport, "local " + kDebug,
                                      "pod-ip 10.244.1.30 default/debug-shell"}));
  auto c = watcher->Counters();
  EXPECT_EQ(CounterValue(c, "k8s_errors", Label("local_pods")), 4);
  EXPECT_EQ(CounterValue(c, "k8s_oversize", Label("local_pods")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_list_pages", Label("local_pods")), 5);
  EXPECT_EQ(LogsContaining("the answer is not a list"), 2u);  // twice: another came between
  EXPECT_EQ(LogsContaining("the list carries no resourceVersion"), 1u);

  // In the watch stream: an event beyond max_event_bytes, text that is no JSON, nesting deep
  // enough to exhaust a recursive parser, an unknown type, a pod without a uid; then a good one.
  const std::string events = ReadTestData("watch_node_pods_1.jsonl");
  const std::string modified = events.substr(
      events.find('\n') + 1, events.find('\n', events.find('\n') + 1) - events.find('\n') - 1);
  server_.PushLine(kNodePods, R"({"type":"ADDED","object":{"metadata":{"name":")" +
                                  std::string(100 << 10, 'x') + R"("}}})");
  server_.PushLine(kNodePods, "this is not json");
  server_.PushLine(kNodePods, std::string(30000, '['));
  server_.PushLine(kNodePods, R"({"type":"SYNC","object":{}})");
  server_.PushLine(kNodePods,
                   R"({"type":"ADDED","object":{"metadata":{"name":"p","namespace":"n"}}})");
  server_.PushLine(kNodePods, modified);
  ASSERT_TRUE(Eventually([&] { return watcher->tables().stats().local_pods == 3; }));
  EXPECT_EQ(
      Dump(watcher->tables()),
      (std::vector<std::string>{"local " + kReport, "local " + kDebug, "local " + kPaymentsRunning,
                                "pod-ip 10.244.1.30 default/debug-shell",
                                "pod-ip 10.244.1.40 shop/payments-6f9c7b5d4-q8w2e"}));
  c = watcher->Counters();
  EXPECT_EQ(CounterValue(c, "k8s_oversize", Label("local_pods")), 2);
  EXPECT_EQ(CounterValue(c, "k8s_bad_events", Label("local_pods")), 3);
  EXPECT_EQ(CounterValue(c, "k8s_bad_objects"), 1);
  EXPECT_EQ(CounterValue(c, "k8s_watch_events", Typed("local_pods", "added")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_watch_events", Typed("local_pods", "modified")), 1);
}

TEST_F(KubeWatcherTest, TablesAreCappedWithCountedDrops) {
  ServeNodePods();
  server_.SetAnswers(kRemotePods, {{200, ReadTestData("remote_pods_list.json")}});
  server_.SetAnswers(kServices, {{200, ReadTestData("services_list.json")}});
  WatcherOptions options = Options();
  options.watch_remote_pods = true;
  options.watch_services = true;
  options.caps = {.local_pods = 3, .remote_pods = 2, .services = 1};
  options.limits.max_labels = 2;
  auto watcher = Start(options);
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));
  const DirectoryStats s = watcher->tables().stats();
  EXPECT_EQ(s.local_pods, 3u);
  EXPECT_EQ(s.local_pods_dropped, 2u);
  EXPECT_EQ(s.remote_pods, 2u);
  EXPECT_EQ(s.remote_pods_dropped, 2u);
  EXPECT_EQ(s.services, 1u);
  EXPECT_EQ(s.services_dropped, 3u);
  const auto c = watcher->Counters();
  EXPECT_EQ(CounterValue(c, "k8s_local_pods_dropped"), 2);
  EXPECT_EQ(CounterValue(c, "k8s_remote_pods_dropped"), 2);
  EXPECT_EQ(CounterValue(c, "k8s_services_dropped"), 3);
  // checkout 3 labels, orders-db 3, node-exporter 3: one dropped each.
  EXPECT_EQ(CounterValue(c, "k8s_labels_dropped"), 3);

  // A pod added beyond the cap is refused and counted too.
  server_.PushLines(kNodePods, ReadTestData("watch_node_pods_1.jsonl"));
  ASSERT_TRUE(Eventually(
      [&] { return watcher->tables().stats().local_pods_dropped == 4; }));  // ADDED, MODIFIED
  EXPECT_EQ(watcher->tables().stats().local_pods, 3u);
}

TEST_F(KubeWatcherTest, PeriodicResyncRepairsDrift) {
  ServeNodePods();
  WatcherOptions options = Options();
  options.resync_interval = milliseconds(1000);
  auto watcher = Start(options);
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));
  EXPECT_EQ(watcher->tables().stats().local_pods, 5u);
  // The debug pod went away while no watch event said so.
  server_.SetAnswers(FakeApiServer::Key("/api/v1/pods", "spec.nodeName=node-a", kContinue),
                     {{200, R"({"kind":"PodList","apiVersion":"v1","metadata":)"
                            R"({"resourceVersion":"48600"},"items":[]})"}});
  ASSERT_TRUE(Eventually([&] { return watcher->tables().stats().local_pods == 3; }));
  const auto watches = server_.requests(kNodePods, true);
  ASSERT_GE(watches.size(), 1u);
  EXPECT_EQ(watches[0].param("timeoutSeconds"), "1");  // ends when the resync is due
  const auto c = watcher->Counters();
  EXPECT_GE(CounterValue(c, "k8s_resyncs", Label("local_pods")), 1);
  EXPECT_EQ(CounterValue(c, "k8s_relists_gone", Label("local_pods")), 0);
}

TEST_F(KubeWatcherTest, CoveredNamespacesAreWatchedOneByOne) {
  const std::string shop_pods =
      FakeApiServer::Key("/api/v1/namespaces/shop/pods", "spec.nodeName=node-a");
  const std::string shop_services = FakeApiServer::Key("/api/v1/namespaces/shop/services");
  server_.SetAnswers(shop_pods, {{200, kEmptyPodList}});
  server_.SetAnswers(shop_services, {{200, ReadTestData("services_list.json")}});
  server_.SetAnswers(FakeApiServer::Key("/api/v1/namespaces/web/pods", "spec.nodeName=node-a"),
                     {{200, kEmptyPodList}});
  server_.SetAnswers(FakeApiServer::Key("/api/v1/namespaces/web/services"),
                     {{200, R"({"kind":"ServiceList","metadata":{"resourceVersion":"1"},)"
                            R"("items":[]})"}});
  WatcherOptions options = Options();
  options.namespaces = {"shop", "web"};
  options.watch_services = true;
  auto watcher = Start(options);
  ASSERT_TRUE(watcher->WaitSynced(std::chrono::seconds(5)));
  // Only the namespace's own objects, whatever else an answer holds.
  EXPECT_EQ(watcher->tables().stats().services, 2u);
  for (const auto& r : server_.requests()) {
    EXPECT_TRUE(r.path.rfind("/api/v1/namespaces/shop/", 0) == 0 ||
                r.path.rfind("/api/v1/namespaces/web/", 0) == 0)
        << r.path;
  }
  EXPECT_THROW(KubeWatcher([&] {
                 WatcherOptions bad = Options();
                 bad.namespaces = {"Shop/../x"};
                 return bad;
               }()),
               std::runtime_error);
}

TEST_F(KubeWatcherTest, UntrustedServerCertificateIsRefused) {
  ServeNodePods();
  apisensor::testing::TestPki other("another CA");
  WatcherOptions options = Options();
  options.cluster.ca_file = other.ca_file();
  auto watcher = Start(options);
  ASSERT_TRUE(Eventually([&] { return server_.requests().empty() && !Logs().empty(); }));
  EXPECT_FALSE(watcher->synced());
  EXPECT_EQ(LogsContaining("failed to list pods: the API server's certificate does not verify "
                           "against the CA at " +
                           other.ca_file()),
            1u);
  EXPECT_TRUE(server_.requests().empty());
  const auto start = std::chrono::steady_clock::now();
  watcher->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
}

}  // namespace
}  // namespace apisensor::k8s::api
