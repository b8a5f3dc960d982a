#include "exporters/collector/batch_encoder.h"

#include <gtest/gtest.h>

#include "agent/inventory/endpoint_codec.h"
#include "tests/unit/exporters_collector/test_views.h"

namespace apisensor::exporters {
namespace {

using namespace apisensor::testing;

collector_v1::Batch Parse(const EncodedBatch& e) {
  collector_v1::AgentMessage m;
  EXPECT_TRUE(m.ParseFromString(e.message));
  EXPECT_TRUE(m.has_batch());
  return m.batch();
}

TEST(BatchEncoder, EndpointCarriesTheInventoryCodecBytes) {
  auto view = MakeEndpoint("/orders/{id}", 40);
  collector_v1::Endpoint p;
  ToProto(*view, p);
  EXPECT_EQ(p.id(), "id:/orders/{id}");
  EXPECT_EQ(p.state(), "shadow");
  EXPECT_FALSE(p.has_declared());
  EXPECT_EQ(p.stats_codec_version(), static_cast<uint32_t>(inventory::kEndpointCodecVersion));
  inventory::EndpointStats decoded;
  ASSERT_TRUE(inventory::DecodeEndpointStats(p.stats(), {}, decoded));
  EXPECT_EQ(decoded.requests, 40u);
  EXPECT_EQ(decoded.status_codes, view->stats.status_codes);
  EXPECT_EQ(decoded.latency.count(), view->stats.latency.count());
  EXPECT_EQ(decoded.callers.entries(), view->stats.callers.entries());
}

TEST(BatchEncoder, ServiceFindingAndExchangeFields) {
  collector_v1::Service s;
  ToProto(MakeService(12), s);
  EXPECT_EQ(s.name(), "orders");
  EXPECT_EQ(s.kind(), "local");
  EXPECT_EQ(s.port(), 8080u);
  ASSERT_EQ(s.hosts_size(), 1);
  EXPECT_EQ(s.hosts(0), "orders.internal");
  EXPECT_EQ(s.requests(), 12u);
  ASSERT_EQ(s.specs_size(), 1);

  collector_v1::Finding f;
  ToProto(MakeFinding("GET /orders/{id}", 3), f);
  EXPECT_EQ(f.severity(), collector_v1::SEVERITY_MEDIUM);
  EXPECT_EQ(f.count(), 3u);
  ASSERT_EQ(f.evidence_size(), 1);
  EXPECT_EQ(f.evidence(0).value(), "fp:0123abcd");

  collector_v1::Exchange x;
  ToProto(SummarizeExchange(MakeRecord(kT0, 503), MakeObserved()), x);
  EXPECT_EQ(x.time_unix_ns(), kT0);
  EXPECT_EQ(x.path(), "/orders/{id}");
  EXPECT_EQ(x.client_ip(), "10.0.0.9");
  EXPECT_EQ(x.server_port(), 8080u);
  EXPECT_EQ(x.status(), 503u);
  EXPECT_TRUE(x.has_response());
  EXPECT_EQ(x.user_agent(), "curl/8");
  EXPECT_EQ(x.response_body_bytes(), 321u);
}

TEST(BatchEncoder, KubernetesWorkloadsTravelOnlyWhenKnown) {
  const k8s::WorkloadIdentity checkout{"shop", "checkout", "Deployment"};
  const k8s::WorkloadIdentity payments{"shop", "payments", "Service"};
  auto expect_workload = [](const collector_v1::Workload& w, const k8s::WorkloadIdentity& want) {
    EXPECT_EQ(w.namespace_name(), want.namespace_name);
    EXPECT_EQ(w.name(), want.name);
    EXPECT_EQ(w.kind(), want.kind);
  };
  auto view = std::make_shared<inventory::EndpointView>(*MakeEndpoint("/orders/{id}", 1));
  collector_v1::Endpoint e;
  ToProto(*view, e);
  EXPECT_FALSE(e.has_k8s());
  view->k8s = checkout;
  ToProto(*view, e);
  expect_workload(e.k8s(), checkout);

  inventory::ServiceView service = MakeService(1);
  collector_v1::Service s;
  ToProto(service, s);
  EXPECT_FALSE(s.has_k8s());
  service.k8s = checkout;
  ToProto(service, s);
  expect_workload(s.k8s(), checkout);

  findings::Finding finding = MakeFinding("GET /orders/{id}", 1);
  finding.k8s = checkout;
  collector_v1::Finding f;
  ToProto(finding, f);
  expect_workload(f.k8s(), checkout);
  EXPECT_FALSE(f.has_caller_k8s());
  finding.caller_k8s = payments;
  ToProto(finding, f);
  expect_workload(f.caller_k8s(), payments);

  inventory::ObservedEndpoint observed = MakeObserved();
  observed.service_k8s = &checkout;
  observed.caller_k8s = &payments;
  collector_v1::Exchange x;
  ToProto(SummarizeExchange(MakeRecord(kT0, 200), observed), x);
  expect_workload(x.k8s(), checkout);
  expect_workload(x.caller_k8s(), payments);
}

TEST(BatchEncoder, FullSnapshotsRepeatTheLatestOfEveryTrackedFinding) {
  BatchEncoder encoder(1 << 20, 1);
  PublishMaterials first;
  first.findings = {MakeFinding("GET /a", 1)};
  ASSERT_EQ(Parse(encoder.Encode(first, {}, 1)[0]).findings_size(), 1);

  PublishMaterials update;
  update.findings = {MakeFinding("GET /a", 5), MakeFinding("GET /b", 1)};  // b: over the cap
  const collector_v1::Batch b2 = Parse(encoder.Encode(update, {}, 2)[0]);
  EXPECT_EQ(b2.findings_size(), 2);  // sent all the same
  EXPECT_EQ(encoder.findings_untracked(), 1u);

  PublishMaterials full;
  full.full_snapshot = true;
  full.endpoints = {MakeEndpoint("/a", 5)};
  const collector_v1::Batch b3 = Parse(encoder.Encode(full, {}, 3)[0]);
  EXPECT_TRUE(b3.full_snapshot());
  EXPECT_EQ(b3.sequence(), 3u);
  ASSERT_EQ(b3.findings_size(), 1);
  EXPECT_EQ(b3.findings(0).endpoint(), "GET /a");
  EXPECT_EQ(b3.findings(0).count(), 5u);
}

TEST(BatchEncoder, ExchangesAreSplitSoNoBatchExceedsTheLimit) {
  constexpr size_t kLimit = 16 << 10;
  BatchEncoder encoder(kLimit, 100);
  PublishMaterials m;
  m.now_unix_ns = kT0;
  m.heartbeat = true;
  m.endpoints = {MakeEndpoint("/orders/{id}", 7)};
  m.services = {MakeService(7)};
  for (int i = 0; i < 1000; ++i) {
    m.exchanges.push_back(SummarizeExchange(MakeRecord(kT0 + i, 200), MakeObserved()));
  }
  HeartbeatInfo hb;
  hb.version = "9.9";
  hb.counters = {{"kernel_drops", "", 4}};
  hb.batches_dropped = 2;
  const std::vector<EncodedBatch> out = encoder.Encode(m, hb, 10);
  ASSERT_GT(out.size(), 3u);
  int exchanges = 0;
  size_t items = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_LE(out[i].message.size(), kLimit);
    const collector_v1::Batch b = Parse(out[i]);
    EXPECT_EQ(b.sequence(), 10 + i);
    EXPECT_EQ(b.has_heartbeat(), i == 0);
    EXPECT_EQ(b.endpoints_size(), i == 0 ? 1 : 0);
    EXPECT_EQ(b.services_size(), i == 0 ? 1 : 0);
    EXPECT_GT(b.exchanges_size(), 0);
    for (const auto& x : b.exchanges()) EXPECT_EQ(x.time_unix_ns(), kT0 + exchanges++);
    items += out[i].items;
  }
  EXPECT_EQ(exchanges, 1000);
  EXPECT_EQ(items, 1002u);
  const collector_v1::Batch first = Parse(out[0]);
  EXPECT_EQ(first.heartbeat().version(), "9.9");
  EXPECT_EQ(first.heartbeat().time_unix_ns(), kT0);
  ASSERT_EQ(first.heartbeat().counters_size(), 1);
  EXPECT_EQ(first.heartbeat().counters(0).value(), 4u);
  EXPECT_EQ(first.heartbeat().batches_dropped(), 2u);
}

TEST(BatchEncoder, StringsThatAreNotUtf8AreRepairedSoTheBatchParses) {
  EXPECT_EQ(Utf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(Utf8("caf\xe9!"), "caf\xef\xbf\xbd!");
  EXPECT_EQ(Utf8(""), "");

  ExchangeSummary x = SummarizeExchange(MakeRecord(kT0, 200), MakeObserved());
  x.user_agent = "curl\xff";
  x.host = "h\xc3";  // cut inside a character
  auto endpoint = std::make_shared<inventory::EndpointView>(*MakeEndpoint("/\xfe", 1));
  findings::Finding finding = MakeFinding("GET /\xfe", 1);
  finding.evidence = {{"user-agent\x80", "\x80"}};
  inventory::ServiceView service = MakeService(1);
  service.process = "p\xff";
  service.hosts.Add("h\xff", 1);
  PublishMaterials m;
  m.now_unix_ns = kT0;
  m.heartbeat = true;
  m.endpoints = {endpoint};
  m.removed_ids = {"id\xff"};
  m.services = {service};
  m.findings = {finding};
  m.exchanges = {x};
  HeartbeatInfo hb;
  hb.version = "1.0\xff";
  hb.counters = {{"drops", "x\xff", 1}};
  BatchEncoder encoder(1 << 20, 100);
  const std::vector<EncodedBatch> out = encoder.Encode(m, hb, 1);
  ASSERT_EQ(out.size(), 1u);
  const collector_v1::Batch b = Parse(out[0]);
  EXPECT_EQ(b.exchanges(0).user_agent(), "curl\xef\xbf\xbd");
  EXPECT_EQ(b.exchanges(0).host(), "h\xef\xbf\xbd");
  EXPECT_EQ(b.endpoints(0).path(), "/\xef\xbf\xbd");
  EXPECT_EQ(b.removed_endpoint_ids(0), "id\xef\xbf\xbd");
  EXPECT_EQ(b.services(0).process(), "p\xef\xbf\xbd");
  EXPECT_EQ(b.findings(0).evidence(0).value(), "\xef\xbf\xbd");
  EXPECT_EQ(b.heartbeat().version(), "1.0\xef\xbf\xbd");
}

}  // namespace
}  // namespace apisensor::exporters
