// The collector's core with real protocol batches: merging nodes into one inventory and one
// finding list, sequences per agent instance, caps and bad items, and GET /v1/agents.
#include <gtest/gtest.h>

#include <string>

#include "collector/collector.h"
#include "tests/unit/collector/test_batches.h"
#include "tests/unit/collector/test_support.h"

namespace apisensor::collector {
namespace {

using namespace apisensor::collector::testing;

const std::string kGet = EndpointId("GET", "/orders/{id}");
const std::string kPost = EndpointId("POST", "/orders");

BatchOutcome Send(Collector& c, const std::string& agent, uint64_t instance,
                  const v1::Batch& batch) {
  std::string error;
  const BatchOutcome outcome = c.Apply(agent, instance, batch, error);
  EXPECT_NE(outcome, BatchOutcome::kFailed) << error;
  return outcome;
}

const findings::Finding* FindFinding(const std::vector<findings::Finding>& all,
                                     const std::string& id) {
  for (const findings::Finding& f : all) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

TEST(CollectorMerge, SameEndpointOnTwoNodesIsOneEndpointWithTheirFiguresCombined) {
  Collector c({});
  ASSERT_EQ(c.Hello(MakeHello("node-a", 1)).outcome, HelloOutcome::kWelcome);
  ASSERT_EQ(c.Hello(MakeHello("node-b", 2)).outcome, HelloOutcome::kWelcome);

  v1::Batch a = MakeBatch(1, true);
  AddEndpoint(a, "GET", "/orders/{id}",
              {30, 3, kT0 + 10 * kSecond, kT0 + 100 * kSecond, "10.0.0.1"});
  AddService(a, "a.internal", 30, kT0 + 10 * kSecond, kT0 + 100 * kSecond);
  v1::Batch b = MakeBatch(1, true);
  AddEndpoint(b, "GET", "/orders/{id}", {20, 5, kT0 + 5 * kSecond, kT0 + 50 * kSecond, "10.0.0.2"});
  AddEndpoint(b, "POST", "/orders", {7, 0, kT0 + 6 * kSecond, kT0 + 60 * kSecond, "10.0.0.2"});
  AddService(b, "b.internal", 27, kT0 + 5 * kSecond, kT0 + 60 * kSecond);
  EXPECT_EQ(Send(c, "node-a", 1, a), BatchOutcome::kStored);
  EXPECT_EQ(Send(c, "node-b", 2, b), BatchOutcome::kStored);
  c.Publish(kT0 + 200 * kSecond);

  const auto view = c.inventory_board().Latest();
  ASSERT_EQ(view->endpoints.size(), 2u);
  const auto get = FindEndpoint(c, kGet);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->service, "orders");
  EXPECT_EQ(get->method, "GET");
  EXPECT_EQ(get->path, "/orders/{id}");
  EXPECT_EQ(get->stats.requests, 50u);
  EXPECT_EQ(get->stats.first_seen_ns, kT0 + 5 * kSecond);
  EXPECT_EQ(get->stats.last_seen_ns, kT0 + 100 * kSecond);
  EXPECT_EQ(StatusCount(get->stats, 200), 42u);
  EXPECT_EQ(StatusCount(get->stats, 500), 8u);
  EXPECT_EQ(get->stats.latency.count(), 50u);
  EXPECT_EQ(get->stats.response.body_bytes, 5000u);
  ASSERT_EQ(get->stats.callers.entries().size(), 2u);
  EXPECT_EQ(FindEndpoint(c, kPost)->stats.requests, 7u);

  ASSERT_EQ(view->services.size(), 1u);
  const inventory::ServiceView& s = view->services[0];
  EXPECT_EQ(s.name, "orders");
  EXPECT_EQ(s.requests, 57u);
  EXPECT_EQ(s.first_seen_ns, kT0 + 5 * kSecond);
  EXPECT_EQ(s.last_seen_ns, kT0 + 100 * kSecond);
  EXPECT_EQ(s.hosts.entries().size(), 2u);
  EXPECT_EQ(s.endpoints, 2u);
  EXPECT_EQ(s.specs, std::vector<std::string>{"orders.yaml"});

  // Agents send totals, not increments: node-a's new total replaces its old one.
  v1::Batch a2 = MakeBatch(2);
  AddEndpoint(a2, "GET", "/orders/{id}", {40, 3, kT0 + 10 * kSecond, kT0 + 110 * kSecond});
  EXPECT_EQ(Send(c, "node-a", 1, a2), BatchOutcome::kStored);
  c.Publish(kT0 + 201 * kSecond);
  EXPECT_EQ(FindEndpoint(c, kGet)->stats.requests, 60u);
  EXPECT_EQ(FindEndpoint(c, kGet)->stats.last_seen_ns, kT0 + 110 * kSecond);

  // A full snapshot without the endpoint: node-a no longer has it, node-b still does.
  v1::Batch a3 = MakeBatch(3, true);
  AddEndpoint(a3, "POST", "/orders", {1, 0, kT0 + 3 * kSecond, kT0 + 3 * kSecond});
  EXPECT_EQ(Send(c, "node-a", 1, a3), BatchOutcome::kStored);
  c.Publish(kT0 + 202 * kSecond);
  EXPECT_EQ(FindEndpoint(c, kGet)->stats.requests, 20u);
  EXPECT_EQ(FindEndpoint(c, kPost)->stats.requests, 8u);
  EXPECT_EQ(FindEndpoint(c, kPost)->stats.first_seen_ns, kT0 + 3 * kSecond);

  // Removed by the last node that had it: gone from the cluster.
  v1::Batch b2 = MakeBatch(2);
  b2.add_removed_endpoint_ids(kGet);
  EXPECT_EQ(Send(c, "node-b", 2, b2), BatchOutcome::kStored);
  c.Publish(kT0 + 203 * kSecond);
  EXPECT_EQ(FindEndpoint(c, kGet), nullptr);
  EXPECT_EQ(c.inventory_board().Latest()->endpoints.size(), 1u);
  EXPECT_EQ(CounterValue(c, "collector_endpoints"), 1u);
}

TEST(CollectorMerge, NodesThatDisagreeOnTheStateAgreeOnWhatTheyKnowTogether) {
  Collector c({});
  c.Hello(MakeHello("with-spec", 1));
  c.Hello(MakeHello("without-spec", 2));
  v1::Batch a = MakeBatch(1);
  AddEndpoint(a, "GET", "/orders/{id}", {}, "unused");  // declared, never called on this node
  a.mutable_endpoints(0)->mutable_declared()->set_operation_id("getOrder");
  v1::Batch b = MakeBatch(1);
  AddEndpoint(b, "GET", "/orders/{id}", {4, 0, kT0, kT0 + kSecond}, "shadow");
  Send(c, "with-spec", 1, a);
  Send(c, "without-spec", 2, b);
  c.Publish(kT0);
  const auto e = FindEndpoint(c, kGet);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->state, inventory::EndpointState::kDeclared);
  EXPECT_EQ(e->declared.operation_id, "getOrder");
  EXPECT_EQ(e->stats.requests, 4u);
  EXPECT_EQ(e->stats.first_seen_ns, kT0);
}

TEST(CollectorMerge, FindingsOfTwoAgentsAreOneFindingPerIdWithSummedCounts) {
  Collector c({});
  c.Hello(MakeHello("node-a", 1));
  c.Hello(MakeHello("node-b", 2));
  v1::Batch a = MakeBatch(1);
  AddFinding(a, "10.0.0.51", 3, kT0 + 10 * kSecond, kT0 + 30 * kSecond, "fp:aaaa");
  v1::Batch b = MakeBatch(1);
  AddFinding(b, "10.0.0.51", 4, kT0 + 5 * kSecond, kT0 + 20 * kSecond, "fp:bbbb");
  AddFinding(b, "10.0.0.52", 1, kT0 + 7 * kSecond, kT0 + 7 * kSecond);
  Send(c, "node-a", 1, a);
  Send(c, "node-b", 2, b);
  c.Publish(kT0 + 40 * kSecond);

  std::vector<findings::Finding> all = c.findings().All();
  ASSERT_EQ(all.size(), 2u);
  const findings::Finding* merged = FindFinding(all, FindingIdOf("10.0.0.51"));
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->count, 7u);
  EXPECT_EQ(merged->first_seen_ns, kT0 + 5 * kSecond);
  EXPECT_EQ(merged->last_seen_ns, kT0 + 30 * kSecond);
  EXPECT_EQ(merged->severity, findings::Severity::kHigh);
  EXPECT_EQ(merged->caller, "10.0.0.51");
  // The most recent occurrence's details.
  ASSERT_EQ(merged->evidence.size(), 1u);
  EXPECT_EQ(merged->evidence[0].second, "fp:aaaa");
  EXPECT_EQ(FindFinding(all, FindingIdOf("10.0.0.52"))->count, 1u);
  EXPECT_EQ(CounterValue(c, "collector_findings"), 2u);

  // node-a's count is its total: 5 replaces 3.
  v1::Batch a2 = MakeBatch(2);
  AddFinding(a2, "10.0.0.51", 5, kT0 + 10 * kSecond, kT0 + 35 * kSecond);
  Send(c, "node-a", 1, a2);
  // The same total again changes nothing.
  v1::Batch a3 = MakeBatch(3);
  AddFinding(a3, "10.0.0.51", 5, kT0 + 10 * kSecond, kT0 + 35 * kSecond);
  Send(c, "node-a", 1, a3);
  c.Publish(kT0 + 41 * kSecond);
  all = c.findings().All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(FindFinding(all, FindingIdOf("10.0.0.51"))->count, 9u);
  EXPECT_EQ(FindFinding(all, FindingIdOf("10.0.0.51"))->last_seen_ns, kT0 + 35 * kSecond);
}

TEST(CollectorSequences, DuplicateAndOutOfOrderBatchesAreSkippedAndNotCountedTwice) {
  Collector c({});
  EXPECT_EQ(c.Hello(MakeHello("node-a", 7)).last_stored_sequence, 0u);
  v1::Batch b1 = MakeBatch(1);
  AddEndpoint(b1, "GET", "/orders/{id}", {10, 0, kT0, kT0});
  AddExchanges(b1, 5);
  EXPECT_EQ(Send(c, "node-a", 7, b1), BatchOutcome::kStored);

  // Resent after a lost ack, with different content: nothing of it applies.
  v1::Batch again = MakeBatch(1);
  AddEndpoint(again, "GET", "/orders/{id}", {99, 0, kT0, kT0});
  AddExchanges(again, 5);
  EXPECT_EQ(Send(c, "node-a", 7, again), BatchOutcome::kDuplicate);

  v1::Batch b3 = MakeBatch(3);  // 2 was dropped by the agent
  AddExchanges(b3, 2);
  EXPECT_EQ(Send(c, "node-a", 7, b3), BatchOutcome::kStored);
  v1::Batch late = MakeBatch(2);  // arrives after 3: at or below the last stored
  AddEndpoint(late, "GET", "/orders/{id}", {55, 0, kT0, kT0});
  AddExchanges(late, 4);
  EXPECT_EQ(Send(c, "node-a", 7, late), BatchOutcome::kDuplicate);
  v1::Batch b4 = MakeBatch(4);
  AddExchanges(b4, 1);
  EXPECT_EQ(Send(c, "node-a", 7, b4), BatchOutcome::kStored);

  c.Publish(kT0);
  EXPECT_EQ(FindEndpoint(c, kGet)->stats.requests, 10u);
  EXPECT_EQ(CounterValue(c, "collector_batches_applied"), 3u);
  EXPECT_EQ(CounterValue(c, "collector_batches_duplicate"), 2u);
  EXPECT_EQ(CounterValue(c, "collector_sequence_gaps"), 1u);
  EXPECT_EQ(CounterValue(c, "collector_exchanges_received"), 8u);
  AgentsDoc doc(c.AgentsJson());
  ASSERT_NE(doc.agent("node-a"), nullptr);
  EXPECT_EQ((*doc.agent("node-a"))["exchanges_received"].GetUint64(), 8u);
  EXPECT_EQ((*doc.agent("node-a"))["last_sequence"].GetUint64(), 4u);

  // A reconnect of the same process learns where to resume.
  EXPECT_EQ(c.Hello(MakeHello("node-a", 7)).last_stored_sequence, 4u);
  // A restarted agent (new instance) numbers from 1 again: not duplicates of the old process.
  EXPECT_EQ(c.Hello(MakeHello("node-a", 8)).last_stored_sequence, 0u);
  v1::Batch n1 = MakeBatch(1);
  AddExchanges(n1, 3);
  EXPECT_EQ(Send(c, "node-a", 8, n1), BatchOutcome::kStored);
  EXPECT_EQ(Send(c, "node-a", 8, n1), BatchOutcome::kDuplicate);
  // The old process may still be draining: its sequences are still its own.
  EXPECT_EQ(Send(c, "node-a", 7, b4), BatchOutcome::kDuplicate);
  EXPECT_EQ(c.Hello(MakeHello("node-a", 7)).last_stored_sequence, 4u);
  EXPECT_EQ(CounterValue(c, "collector_exchanges_received"), 11u);

  // Another agent with the same instance number is another sequence space.
  EXPECT_EQ(c.Hello(MakeHello("node-b", 7)).last_stored_sequence, 0u);
  EXPECT_EQ(Send(c, "node-b", 7, b1), BatchOutcome::kStored);
}

TEST(CollectorSequences, OnlyTheLatestInstancesOfAnAgentAreRemembered) {
  Collector c({});
  for (uint64_t instance = 1; instance <= kInstancesPerAgent + 1; ++instance) {
    c.Hello(MakeHello("node-a", instance));
    Send(c, "node-a", instance, MakeBatch(instance));
  }
  EXPECT_EQ(c.Hello(MakeHello("node-a", 1)).last_stored_sequence, 0u);  // forgotten
  EXPECT_EQ(c.Hello(MakeHello("node-a", 2)).last_stored_sequence, 2u);
  EXPECT_EQ(c.Hello(MakeHello("node-a", kInstancesPerAgent + 1)).last_stored_sequence,
            static_cast<uint64_t>(kInstancesPerAgent + 1));
}

TEST(CollectorAgents, AgentsJsonReportsEveryAgentItsHeartbeatAndDrops) {
  Collector c({});
  c.Hello(MakeHello("node-a", 0xFEDCBA9876543210ULL, "1.2.3"));
  c.Hello(MakeHello("node-b", 2, "1.2.3"));
  v1::Batch a = MakeBatch(1);
  AddExchanges(a, 12);
  SetHeartbeat(a, kT0 + kSecond, "1.2.3", 2, 17,
               {{"inventory_exchanges_observed", 12}, {"pipeline_events_dropped", 4}});
  AddEndpoint(a, "GET", "/orders/{id}", {12, 0, kT0, kT0});
  Send(c, "node-a", 0xFEDCBA9876543210ULL, a);
  v1::Batch b = MakeBatch(1);
  SetHeartbeat(b, kT0 + 2 * kSecond, "1.2.3", 0, 0, {{"inventory_exchanges_observed", 8}});
  Send(c, "node-b", 2, b);
  c.Publish(kT0 + 3 * kSecond);

  AgentsDoc doc(c.AgentsJson());
  ASSERT_FALSE(doc.doc.HasParseError()) << c.AgentsJson();
  EXPECT_EQ(doc.doc["total"].GetUint64(), 2u);
  ASSERT_EQ(doc.doc["agents"].Size(), 2u);
  EXPECT_STREQ(doc.doc["agents"][0]["agent_id"].GetString(), "node-a");  // sorted by id
  const rapidjson::Value& na = *doc.agent("node-a");
  EXPECT_STREQ(na["node"].GetString(), "node-a.cluster.local");
  EXPECT_STREQ(na["version"].GetString(), "1.2.3");
  EXPECT_STREQ(na["instance"].GetString(), "18364758544493064720");
  EXPECT_TRUE(na["connected"].GetBool());
  EXPECT_STREQ(na["last_heartbeat"].GetString(), "2027-01-15T08:00:01.000000000Z");
  EXPECT_TRUE(na["last_batch"].IsString());
  EXPECT_EQ(na["last_sequence"].GetUint64(), 1u);
  EXPECT_EQ(na["batches_stored"].GetUint64(), 1u);
  EXPECT_EQ(na["exchanges_received"].GetUint64(), 12u);
  EXPECT_EQ(na["batches_dropped"].GetUint64(), 2u);
  EXPECT_EQ(na["items_dropped"].GetUint64(), 17u);
  EXPECT_EQ(na["queued_batches"].GetUint64(), 3u);
  EXPECT_EQ(na["endpoints"].GetUint64(), 1u);
  EXPECT_EQ(na["counters"]["pipeline_events_dropped"].GetUint64(), 4u);
  EXPECT_EQ(na["counters"]["inventory_exchanges_observed"].GetUint64(), 12u);
  // The agents' inventory counters add up in the cluster's view (what /v1/services reports).
  EXPECT_EQ(c.inventory_board().Latest()->stats.exchanges_observed, 20u);

  // An agent that never sent a heartbeat, then went away.
  c.Hello(MakeHello("node-c", 3));
  c.Goodbye("node-b");
  AgentsDoc later(c.AgentsJson());
  EXPECT_FALSE((*later.agent("node-b"))["connected"].GetBool());
  EXPECT_TRUE((*later.agent("node-c"))["last_heartbeat"].IsNull());
  EXPECT_EQ(CounterValue(c, "collector_agents"), 3u);
  EXPECT_EQ(CounterValue(c, "collector_agents_connected"), 2u);

  // Upgraded and restarted: the new version shows at once, before its first heartbeat.
  c.Goodbye("node-a");
  c.Hello(MakeHello("node-a", 99, "1.3.0"));
  EXPECT_STREQ((*AgentsDoc(c.AgentsJson()).agent("node-a"))["version"].GetString(), "1.3.0");
}

TEST(CollectorLimits, NewIdsBeyondTheCapsAreLeftOutCountedAndKnownOnesKeepUpdating) {
  CollectorOptions options;
  options.limits.max_agents = 2;
  options.limits.max_endpoints = 2;
  options.limits.max_findings = 1;
  options.limits.max_services = 1;
  Collector c(options);
  c.Hello(MakeHello("node-a", 1));
  c.Hello(MakeHello("node-b", 2));
  const HelloResult third = c.Hello(MakeHello("node-c", 3));
  EXPECT_EQ(third.outcome, HelloOutcome::kTooManyAgents);
  EXPECT_NE(third.message.find("maximum of 2 agents"), std::string::npos) << third.message;

  v1::Batch a = MakeBatch(1);
  AddEndpoint(a, "GET", "/a", {1, 0, kT0, kT0});
  AddEndpoint(a, "GET", "/b", {1, 0, kT0, kT0});
  AddEndpoint(a, "GET", "/c", {1, 0, kT0, kT0});
  AddFinding(a, "10.0.0.1", 1, kT0, kT0);
  AddFinding(a, "10.0.0.2", 1, kT0, kT0);
  AddService(a, "a", 3, kT0, kT0);
  Send(c, "node-a", 1, a);
  v1::Batch b = MakeBatch(1);
  AddEndpoint(b, "GET", "/a", {5, 0, kT0, kT0});
  AddEndpoint(b, "GET", "/d", {1, 0, kT0, kT0});
  AddFinding(b, "10.0.0.1", 2, kT0, kT0);
  b.add_services()->set_name("billing");
  Send(c, "node-b", 2, b);
  c.Publish(kT0);

  EXPECT_EQ(c.inventory_board().Latest()->endpoints.size(), 2u);
  EXPECT_EQ(FindEndpoint(c, EndpointId("GET", "/a"))->stats.requests, 6u);
  EXPECT_EQ(FindEndpoint(c, EndpointId("GET", "/c")), nullptr);
  EXPECT_EQ(FindEndpoint(c, EndpointId("GET", "/d")), nullptr);
  ASSERT_EQ(c.findings().All().size(), 1u);
  EXPECT_EQ(c.findings().All()[0].count, 3u);
  EXPECT_EQ(c.inventory_board().Latest()->services.size(), 1u);
  // /c, /d, one finding, billing.
  EXPECT_EQ(CounterValue(c, "collector_capped_items"), 4u);
}

TEST(CollectorDecode, ABadItemCostsOnlyItselfCounted) {
  Collector c({});
  EXPECT_EQ(c.Hello(MakeHello("", 1)).outcome, HelloOutcome::kInvalid);
  EXPECT_EQ(c.Hello(MakeHello(std::string(129, 'x'), 1)).outcome, HelloOutcome::kInvalid);
  const HelloResult no_instance = c.Hello(MakeHello("node-a", 0));
  EXPECT_EQ(no_instance.outcome, HelloOutcome::kInvalid);
  EXPECT_FALSE(no_instance.message.empty());

  c.Hello(MakeHello("node-a", 1));
  v1::Batch batch = MakeBatch(1);
  AddEndpoint(batch, "GET", "/good", {3, 0, kT0, kT0});
  AddEndpoint(batch, "GET", "/newer-codec", {3, 0, kT0, kT0});
  batch.mutable_endpoints(1)->set_stats_codec_version(99);
  AddEndpoint(batch, "GET", "/garbage", {3, 0, kT0, kT0});
  batch.mutable_endpoints(2)->set_stats("{\"requests\": \"many\"");
  AddEndpoint(batch, "GET", "/no-id", {3, 0, kT0, kT0});
  batch.mutable_endpoints(3)->clear_id();
  AddFinding(batch, "10.0.0.1", 1, kT0, kT0);
  batch.mutable_findings(0)->set_id(std::string(200, 'f'));
  AddFinding(batch, "10.0.0.2", 1, kT0, kT0);
  // A workload that is no Kubernetes name: left out, the finding kept.
  SetWorkload(*batch.mutable_findings(1)->mutable_caller_k8s(), "shop", "a/b", "Deployment");
  SetWorkload(*batch.mutable_findings(1)->mutable_k8s(), "shop", "orders", "Deployment");
  batch.add_services();  // no name
  AddService(batch, std::string(300, 'h') + ".example.com", 3, kT0, kT0);
  batch.mutable_services(1)->set_name(std::string(250, 's') + ".example.com");  // a long host
  SetHeartbeat(batch, kT0, "1.2.3", 0, 0, {{"", 1}, {"ok_counter", 2}});
  EXPECT_EQ(Send(c, "node-a", 1, batch), BatchOutcome::kStored);
  c.Publish(kT0);

  ASSERT_EQ(c.inventory_board().Latest()->endpoints.size(), 1u);
  EXPECT_NE(FindEndpoint(c, EndpointId("GET", "/good")), nullptr);
  ASSERT_EQ(c.findings().All().size(), 1u);
  EXPECT_EQ(c.findings().All()[0].caller, "10.0.0.2");
  EXPECT_EQ(c.findings().All()[0].k8s.name, "orders");
  EXPECT_FALSE(c.findings().All()[0].caller_k8s.known());
  EXPECT_EQ(CounterValue(c, "collector_decode_errors"), 2u);
  // No id, a 200-byte finding id, a nameless service, a nameless counter, a workload with a '/'.
  EXPECT_EQ(CounterValue(c, "collector_malformed_items"), 5u);
  bool long_service = false;
  for (const auto& s : c.inventory_board().Latest()->services) {
    long_service |= s.name.size() > 250;
  }
  EXPECT_TRUE(long_service);
  EXPECT_EQ((*AgentsDoc(c.AgentsJson()).agent("node-a"))["counters"]["ok_counter"].GetUint64(), 2u);
}

}  // namespace
}  // namespace apisensor::collector
