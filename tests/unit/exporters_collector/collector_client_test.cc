// The client against a real gRPC collector on loopback (tests/unit/exporters_collector/
// test_collector.h): order and content of batches, acknowledgements, a collector that is down,
// restarts that forget or remember, TLS, mutual TLS and the bearer token.
#include "exporters/collector/collector_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "agent/inventory/endpoint_codec.h"
#include "tests/unit/exporters_collector/test_collector.h"
#include "tests/unit/exporters_collector/test_pki.h"
#include "tests/unit/exporters_collector/test_views.h"
#include "tests/unit/support/child_process.h"

namespace apisensor::exporters {
namespace {

using namespace apisensor::testing;
using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class Logs {
 public:
  CollectorClient::Log fn() {
    return [this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    };
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::string joined() const {
    std::string out;
    for (const std::string& l : lines()) out += l + "\n";
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

CollectorClientOptions Options(const std::string& address) {
  CollectorClientOptions o;
  o.address = address;
  o.insecure = true;
  o.agent_id = "node-a";
  o.backoff_initial_ms = 20;
  o.backoff_max_ms = 100;
  o.connect_timeout_ms = 3000;
  o.drain_timeout_ms = 3000;
  return o;
}

uint64_t Counter(const CollectorClient& client, const std::string& name) {
  for (const metrics::Counter& c : client.Counters()) {
    if (c.name == name) return c.value;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

PublishFixture Inventory(int endpoints, uint64_t requests = 10) {
  PublishFixture p;
  for (int i = 0; i < endpoints; ++i) {
    p.view.endpoints.push_back(MakeEndpoint("/r" + std::to_string(i), requests + i));
  }
  p.view.services = {MakeService(requests)};
  return p;
}

inventory::EndpointStats Decode(const collector_v1::Endpoint& e) {
  inventory::EndpointStats stats;
  EXPECT_TRUE(inventory::DecodeEndpointStats(e.stats(), {}, stats));
  return stats;
}

TEST(CollectorClient, StreamsBatchesInOrderWithTheirContent) {
  TestCollector collector;
  metrics::CounterBoard board;
  board.Publish({{"kernel_drops", "Kernel drops", 7}}, "{}");
  Logs logs;
  CollectorClientOptions o = Options(collector.address());
  o.exchanges = true;
  CollectorClient client(o, &board, logs.fn());
  ASSERT_TRUE(WaitFor([&] { return client.stats().connected; }));

  PublishFixture p1;
  p1.view.endpoints = {MakeEndpoint("/a", 10), MakeEndpoint("/b", 20)};
  p1.view.services = {MakeService(30)};
  p1.changed = p1.view.endpoints;
  p1.findings = {MakeFinding("GET /a", 1)};
  client.OnExchange(MakeRecord(kT0, 200), MakeObserved());
  client.OnExchange(MakeRecord(kT0 + 1, 500), MakeObserved());
  client.OnPublish(p1.At(kT0 + kSecond));

  PublishFixture p2 = p1;
  p2.view.endpoints[0] = MakeEndpoint("/a", 15);
  p2.changed = {p2.view.endpoints[0]};
  p2.removed = {"id:/gone"};
  p2.findings = {MakeFinding("GET /a", 2)};
  client.OnPublish(p2.At(kT0 + 2 * kSecond));

  PublishFixture quiet = p2;  // nothing changed and no heartbeat due: no batch at all
  quiet.changed.clear();
  quiet.removed.clear();
  quiet.findings.clear();
  client.OnPublish(quiet.At(kT0 + 3 * kSecond));
  // The heartbeat reports the queue as the encoder finds it: empty once the collector
  // acknowledged the first two (HeartbeatsReportTheUnacknowledgedBacklog covers a backlog).
  ASSERT_TRUE(client.WaitAcked(10000));
  client.OnPublish(quiet.At(kT0 + 11 * kSecond));  // heartbeat due

  ASSERT_TRUE(client.WaitAcked(10000));
  const std::vector<TestCollector::Received> got = collector.stored();
  ASSERT_EQ(got.size(), 3u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].batch.sequence(), i + 1);

  const collector_v1::Batch& b1 = got[0].batch;
  EXPECT_TRUE(b1.full_snapshot());
  ASSERT_EQ(b1.endpoints_size(), 2);
  EXPECT_EQ(b1.endpoints(0).path(), "/a");
  EXPECT_EQ(Decode(b1.endpoints(0)).requests, 10u);
  EXPECT_EQ(Decode(b1.endpoints(1)).requests, 20u);
  EXPECT_EQ(Decode(b1.endpoints(1)).status_codes, p1.view.endpoints[1]->stats.status_codes);
  ASSERT_EQ(b1.services_size(), 1);
  EXPECT_EQ(b1.services(0).requests(), 30u);
  ASSERT_EQ(b1.findings_size(), 1);
  EXPECT_EQ(b1.findings(0).count(), 1u);
  ASSERT_EQ(b1.exchanges_size(), 2);
  EXPECT_EQ(b1.exchanges(0).status(), 200u);
  EXPECT_EQ(b1.exchanges(1).status(), 500u);
  EXPECT_EQ(b1.exchanges(1).path(), "/orders/{id}");
  ASSERT_TRUE(b1.has_heartbeat());
  EXPECT_EQ(b1.heartbeat().time_unix_ns(), kT0 + kSecond);
  ASSERT_EQ(b1.heartbeat().counters_size(), 1);
  EXPECT_EQ(b1.heartbeat().counters(0).name(), "kernel_drops");
  EXPECT_EQ(b1.heartbeat().counters(0).value(), 7u);

  const collector_v1::Batch& b2 = got[1].batch;
  EXPECT_FALSE(b2.full_snapshot());
  ASSERT_EQ(b2.endpoints_size(), 1);
  EXPECT_EQ(Decode(b2.endpoints(0)).requests, 15u);
  ASSERT_EQ(b2.removed_endpoint_ids_size(), 1);
  EXPECT_EQ(b2.removed_endpoint_ids(0), "id:/gone");
  EXPECT_EQ(b2.services_size(), 0);  // unchanged
  ASSERT_EQ(b2.findings_size(), 1);
  EXPECT_EQ(b2.findings(0).count(), 2u);
  EXPECT_EQ(b2.exchanges_size(), 0);
  EXPECT_FALSE(b2.has_heartbeat());

  const collector_v1::Batch& b3 = got[2].batch;
  EXPECT_EQ(b3.endpoints_size() + b3.findings_size() + b3.services_size(), 0);
  ASSERT_TRUE(b3.has_heartbeat());
  EXPECT_EQ(b3.heartbeat().time_unix_ns(), kT0 + 11 * kSecond);
  EXPECT_EQ(b3.heartbeat().queued_batches(), 0u);

  const std::vector<collector_v1::Hello> hellos = collector.hellos();
  ASSERT_EQ(hellos.size(), 1u);
  EXPECT_EQ(hellos[0].agent_id(), "node-a");
  EXPECT_EQ(hellos[0].instance_id(), client.instance_id());
  EXPECT_EQ(hellos[0].schema_version(), 1u);
  EXPECT_FALSE(hellos[0].version().empty());
  EXPECT_FALSE(hellos[0].node().empty());

  // Acknowledged batches left the queue.
  EXPECT_EQ(Counter(client, "collector_batches_sent"), 3u);
  EXPECT_EQ(Counter(client, "collector_batches_acked"), 3u);
  EXPECT_EQ(Counter(client, "collector_queue_bytes"), 0u);
  EXPECT_EQ(Counter(client, "collector_queued_batches"), 0u);
  EXPECT_EQ(Counter(client, "collector_connected"), 1u);
  EXPECT_EQ(Counter(client, "collector_batches_dropped"), 0u);
  EXPECT_EQ(logs.lines(), std::vector<std::string>{"apisensor: streaming to the collector at " +
                                                   collector.address()});
}

TEST(CollectorClient, HeartbeatsReportTheUnacknowledgedBacklog) {
  TestCollector collector;
  collector.set_ack(false);
  CollectorClientOptions o = Options(collector.address());
  o.drain_timeout_ms = 300;  // nothing is ever acknowledged
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  PublishFixture p = Inventory(2);
  for (int i = 1; i <= 3; ++i) {
    p.changed = {p.view.endpoints[i % 2]};
    client.OnPublish(p.At(kT0 + i * kSecond));
  }
  ASSERT_TRUE(collector.WaitForStored(3));
  client.OnPublish(p.At(kT0 + 12 * kSecond));  // heartbeat due
  ASSERT_TRUE(collector.WaitForStored(4));
  const std::vector<TestCollector::Received> got = collector.stored();
  ASSERT_TRUE(got[0].batch.has_heartbeat());
  EXPECT_EQ(got[0].batch.heartbeat().queued_batches(), 0u);
  EXPECT_FALSE(got[1].batch.has_heartbeat());
  ASSERT_TRUE(got[3].batch.has_heartbeat());
  EXPECT_EQ(got[3].batch.heartbeat().queued_batches(), 3u);  // stored, never acknowledged
  EXPECT_EQ(got[3].batch.heartbeat().batches_dropped(), 0u);
}

// Publishes faster than the encoder takes them are folded together, never dropped: the
// collector ends up with the latest of every endpoint and every exchange.
TEST(CollectorClient, ABurstOfPublishesLosesNothing) {
  TestCollector collector;
  CollectorClientOptions o = Options(collector.address());
  o.exchanges = true;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  PublishFixture p = Inventory(20);
  constexpr int kPublishes = 60;
  for (int i = 0; i < kPublishes; ++i) {
    client.OnExchange(MakeRecord(kT0 + i, 200), MakeObserved());
    p.view.endpoints[i % 20] = MakeEndpoint("/r" + std::to_string(i % 20), 100 + i);
    p.changed = {p.view.endpoints[i % 20]};
    client.OnPublish(p.At(kT0 + (i + 1) * kSecond));
  }
  ASSERT_TRUE(client.WaitAcked(10000)) << logs.joined();
  std::map<std::string, uint64_t> requests;  // what the collector holds, applied in order
  size_t exchanges = 0;
  for (const TestCollector::Received& r : collector.stored()) {
    for (const collector_v1::Endpoint& e : r.batch.endpoints()) {
      requests[e.path()] = Decode(e).requests;
    }
    exchanges += r.batch.exchanges_size();
  }
  ASSERT_EQ(requests.size(), 20u);
  for (const auto& e : p.view.endpoints) EXPECT_EQ(requests[e->path], e->stats.requests) << e->path;
  EXPECT_EQ(exchanges, static_cast<size_t>(kPublishes));
  const CollectorClientStats s = client.stats();
  EXPECT_EQ(s.batches_dropped, 0u);
  EXPECT_EQ(s.exchanges_dropped, 0u);
  EXPECT_LE(s.batches_built, static_cast<uint64_t>(kPublishes));
}

TEST(CollectorClient, ExchangesBeyondThePendingCapAreDroppedAndCounted) {
  TestCollector collector;
  CollectorClientOptions o = Options(collector.address());
  o.exchanges = true;
  o.max_pending_exchanges = 10;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  EXPECT_TRUE(client.wants_exchanges());
  for (int i = 0; i < 15; ++i) client.OnExchange(MakeRecord(kT0 + i, 200), MakeObserved());
  client.OnPublish(Inventory(1).At(kT0 + kSecond));
  ASSERT_TRUE(client.WaitAcked(10000));
  ASSERT_EQ(collector.stored().size(), 1u);
  EXPECT_EQ(collector.stored()[0].batch.exchanges_size(), 10);
  EXPECT_EQ(Counter(client, "collector_exchanges_dropped"), 5u);
}

// Header values, paths and process names are whatever bytes a program sent, and a user agent is
// cut at 256 bytes, possibly inside a character; protobuf refuses to parse a string field that is
// not UTF-8, so such a batch must still reach the collector (with U+FFFD in place of the bytes).
TEST(CollectorClient, BytesThatAreNotUtf8StillReachTheCollector) {
  TestCollector collector;
  CollectorClientOptions o = Options(collector.address());
  o.exchanges = true;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  ExchangeRecord record = MakeRecord(kT0, 200);
  record.http.request.headers = {{"host", "orders\xff.internal"},
                                 {"user-agent", std::string(255, 'a') + "\xc3\xa9"}};
  record.process.comm = "api\xfe";
  inventory::ObservedEndpoint observed = MakeObserved();
  observed.path = "/caf\xe9/{id}";
  client.OnExchange(record, observed);
  PublishFixture p = Inventory(1);
  auto odd = std::make_shared<inventory::EndpointView>(*MakeEndpoint("/caf\xe9", 3));
  p.view.endpoints.push_back(odd);
  p.findings = {MakeFinding("GET /caf\xe9", 1)};
  client.OnPublish(p.At(kT0 + kSecond));
  ASSERT_TRUE(client.WaitAcked(10000)) << logs.joined();
  const std::vector<TestCollector::Received> got = collector.stored();
  ASSERT_EQ(got.size(), 1u);
  const collector_v1::Batch& b = got[0].batch;
  ASSERT_EQ(b.exchanges_size(), 1);
  EXPECT_EQ(b.exchanges(0).host(), "orders\xef\xbf\xbd.internal");
  EXPECT_EQ(b.exchanges(0).user_agent(), std::string(255, 'a') + "\xef\xbf\xbd");  // cut mid-é
  EXPECT_EQ(b.exchanges(0).process(), "api\xef\xbf\xbd");
  EXPECT_EQ(b.exchanges(0).path(), "/caf\xef\xbf\xbd/{id}");
  ASSERT_EQ(b.endpoints_size(), 2);
  EXPECT_EQ(b.endpoints(1).path(), "/caf\xef\xbf\xbd");
  ASSERT_EQ(b.findings_size(), 1);
  EXPECT_EQ(b.findings(0).endpoint(), "GET /caf\xef\xbf\xbd");
  EXPECT_EQ(client.stats().batches_dropped, 0u);
  EXPECT_EQ(collector.hellos().size(), 1u);  // on the first connection, not after retries
}

TEST(CollectorClient, CollectorDownNeverBlocksBoundsTheQueueAndCountsDrops) {
  const int port = FreePort();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  CollectorClientOptions o = Options(address);
  o.exchanges = true;
  o.max_queue_bytes = 256 << 10;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());

  PublishFixture p = Inventory(20);
  constexpr int kPublishes = 150;
  constexpr int kExchangesPerPublish = 300;
  std::chrono::nanoseconds slowest{0};
  for (int i = 0; i < kPublishes; ++i) {
    for (int j = 0; j < kExchangesPerPublish; ++j) {
      client.OnExchange(MakeRecord(kT0 + i * kSecond + j, 200), MakeObserved());
    }
    p.changed = {p.view.endpoints[i % 20]};
    const auto start = std::chrono::steady_clock::now();
    client.OnPublish(p.At(kT0 + (i + 1) * kSecond));
    slowest = std::max<std::chrono::nanoseconds>(slowest, std::chrono::steady_clock::now() - start);
    ASSERT_TRUE(client.WaitEncoded(5000));  // so drops come from the queue cap, not the handoff
  }
  std::this_thread::sleep_for(300ms);  // several reconnection attempts at 20-100 ms
  EXPECT_LT(slowest, 50ms);
  CollectorClientStats s = client.stats();
  EXPECT_FALSE(s.connected);
  EXPECT_EQ(s.batches_built, static_cast<uint64_t>(kPublishes));
  EXPECT_GT(s.batches_dropped, 0u);
  EXPECT_GE(s.items_dropped, s.batches_dropped * kExchangesPerPublish);
  EXPECT_LE(s.items_dropped, s.batches_dropped * (kExchangesPerPublish + 21));
  EXPECT_LE(s.queue_bytes, o.max_queue_bytes);
  EXPECT_EQ(s.batches_sent, 0u);
  EXPECT_EQ(Counter(client, "collector_batches_dropped"), s.batches_dropped);
  EXPECT_EQ(logs.lines(),
            std::vector<std::string>{"apisensor: cannot reach the collector at " + address +
                                     ": connection refused; retrying with backoff"});

  TestCollector collector(port);
  ASSERT_TRUE(client.WaitAcked(10000));
  // The last drop may have taken the queued snapshot: the next publish then carries one.
  p.changed.clear();
  client.OnPublish(p.At(kT0 + (kPublishes + 1) * kSecond));
  ASSERT_TRUE(client.WaitAcked(10000));

  s = client.stats();
  const std::vector<uint64_t> seqs = collector.stored_sequences();
  ASSERT_FALSE(seqs.empty());
  EXPECT_GT(seqs.front(), 1u);  // the oldest were dropped
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1);
  EXPECT_EQ(seqs.size() + s.batches_dropped, s.batches_built);  // each one stored or dropped
  EXPECT_EQ(collector.duplicates(), 0u);
  bool repaired = false;
  for (const TestCollector::Received& r : collector.stored()) {
    if (r.batch.full_snapshot() && r.batch.endpoints_size() == 20 && r.batch.services_size() == 1) {
      repaired = true;
    }
  }
  EXPECT_TRUE(repaired) << "no full snapshot reached the collector after the drops";
  EXPECT_EQ(logs.lines().size(), 2u) << logs.joined();
  EXPECT_EQ(logs.lines().back(), "apisensor: streaming to the collector at " + address);
}

TEST(CollectorClient, ACollectorThatRestartsEmptyGetsAFullSnapshotFirst) {
  TestCollector collector;
  Logs logs;
  CollectorClient client(Options(collector.address()), nullptr, logs.fn());
  PublishFixture p = Inventory(3);
  client.OnPublish(p.At(kT0 + kSecond));
  p.changed = {p.view.endpoints[1]};
  client.OnPublish(p.At(kT0 + 2 * kSecond));
  ASSERT_TRUE(client.WaitAcked(10000));
  ASSERT_EQ(collector.stored_sequences(), (std::vector<uint64_t>{1, 2}));

  collector.Restart(/*remember=*/false);
  ASSERT_TRUE(WaitFor([&] { return client.stats().reconnects == 1 && client.stats().connected; }));
  p.changed = {p.view.endpoints[2]};  // a delta, yet the collector knows nothing
  client.OnPublish(p.At(kT0 + 3 * kSecond));
  ASSERT_TRUE(client.WaitAcked(10000));

  EXPECT_EQ(collector.stored_sequences(2), std::vector<uint64_t>{3});  // nothing acked resent
  const collector_v1::Batch first = collector.stored().back().batch;
  EXPECT_TRUE(first.full_snapshot());
  EXPECT_EQ(first.endpoints_size(), 3);
  EXPECT_EQ(first.services_size(), 1);
  const std::vector<std::string> lines = logs.lines();
  ASSERT_EQ(lines.size(), 3u) << logs.joined();
  EXPECT_EQ(
      lines[1].rfind(
          "apisensor: lost the connection to the collector at " + collector.address() + ": ", 0),
      0u)
      << lines[1];
  EXPECT_TRUE(lines[1].ends_with("; reconnecting with backoff")) << lines[1];
  EXPECT_EQ(lines[2], "apisensor: reconnected to the collector at " + collector.address());
  EXPECT_EQ(Counter(client, "collector_reconnects"), 1u);
}

TEST(CollectorClient, ARestartMidStreamResendsWhatWasNotAcknowledged) {
  TestCollector collector;
  collector.set_ack(false);
  Logs logs;
  CollectorClient client(Options(collector.address()), nullptr, logs.fn());
  PublishFixture p = Inventory(2);
  for (int i = 1; i <= 3; ++i) {
    p.changed = {p.view.endpoints[i % 2]};
    client.OnPublish(p.At(kT0 + i * kSecond));
  }
  ASSERT_TRUE(collector.WaitForStored(3));
  EXPECT_EQ(client.stats().queued_batches, 3u);  // stored but never acknowledged

  collector.set_ack(true);
  collector.Restart(/*remember=*/false);  // lost what it stored: Welcome says 0
  ASSERT_TRUE(client.WaitAcked(10000));
  EXPECT_EQ(collector.stored_sequences(2), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE(collector.stored().back().batch.endpoints_size() == 1);
  EXPECT_EQ(client.stats().batches_sent, 6u);
  EXPECT_EQ(client.stats().batches_dropped, 0u);
}

TEST(CollectorClient, WhatTheCollectorSaysItStoredIsNotSentAgain) {
  TestCollector collector;
  collector.set_ack(false);
  Logs logs;
  CollectorClient client(Options(collector.address()), nullptr, logs.fn());
  PublishFixture p = Inventory(2);
  for (int i = 1; i <= 3; ++i) {
    p.changed = {p.view.endpoints[i % 2]};
    client.OnPublish(p.At(kT0 + i * kSecond));
  }
  ASSERT_TRUE(collector.WaitForStored(3));

  collector.set_ack(true);
  collector.Restart(/*remember=*/true);  // Welcome.last_stored_sequence = 3
  ASSERT_TRUE(client.WaitAcked(10000));
  ASSERT_TRUE(WaitFor([&] { return client.stats().connected; }));
  EXPECT_EQ(collector.duplicates(), 0u);
  EXPECT_TRUE(collector.stored_sequences(2).empty());
  EXPECT_EQ(client.stats().batches_sent, 3u);
  EXPECT_EQ(client.stats().batches_acked, 3u);

  p.changed = {p.view.endpoints[0]};
  client.OnPublish(p.At(kT0 + 4 * kSecond));
  ASSERT_TRUE(client.WaitAcked(10000));
  EXPECT_EQ(collector.stored_sequences(2), std::vector<uint64_t>{4});
  // No snapshot was queued when it came back: the next batch is one.
  EXPECT_TRUE(collector.stored().back().batch.full_snapshot());
  EXPECT_EQ(collector.stored().back().batch.endpoints_size(), 2);
}

TEST(CollectorClient, StopSendsWhatIsQueuedFirst) {
  TestCollector collector;
  Logs logs;
  CollectorClient client(Options(collector.address()), nullptr, logs.fn());
  PublishFixture p = Inventory(2);
  for (int i = 1; i <= 5; ++i) {
    p.changed = {p.view.endpoints[i % 2]};
    client.OnPublish(p.At(kT0 + i * kSecond));
  }
  client.Stop();
  EXPECT_EQ(collector.stored_sequences(), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(client.stats().batches_dropped, 0u);
  client.OnPublish(p.At(kT0 + 9 * kSecond));  // ignored after Stop
  EXPECT_EQ(client.stats().batches_built, 5u);
}

TEST(CollectorClient, StopGivesUpOnAnAbsentCollectorWithinTheDrainTime) {
  CollectorClientOptions o = Options("127.0.0.1:" + std::to_string(FreePort()));
  o.drain_timeout_ms = 300;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  client.OnPublish(Inventory(2).At(kT0 + kSecond));
  ASSERT_TRUE(client.WaitEncoded(5000));
  const auto start = std::chrono::steady_clock::now();
  client.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(client.stats().batches_dropped, 1u);
  EXPECT_EQ(client.stats().items_dropped, 3u);  // two endpoints and the service
}

// Between attempts the sender sleeps out its backoff (here 30-60 s): Stop() must not wait for it.
TEST(CollectorClient, StopDoesNotWaitOutTheBackoff) {
  CollectorClientOptions o = Options("127.0.0.1:" + std::to_string(FreePort()));
  o.backoff_initial_ms = 60'000;
  o.backoff_max_ms = 60'000;
  o.drain_timeout_ms = 300;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  client.OnPublish(Inventory(2).At(kT0 + kSecond));
  ASSERT_TRUE(client.WaitEncoded(5000));
  ASSERT_TRUE(WaitFor([&] { return !logs.lines().empty(); }));  // refused once, now backing off
  const auto start = std::chrono::steady_clock::now();
  client.Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 250ms);  // it did give the collector the drain time
  EXPECT_LT(took, 1500ms);
  EXPECT_EQ(client.stats().batches_dropped, 1u);
}

// A peer that accepts TCP connections and never speaks HTTP/2: the channel stays "connecting".
// The destructor (Stop) must not wait for gRPC's own connect timeout.
TEST(CollectorClient, DestructorIsBoundedWhileTheConnectionHangsOpening) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* f) {
    ::close(*f);
    delete f;
  });
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  CollectorClientOptions o = Options("127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  o.connect_timeout_ms = 60'000;
  o.drain_timeout_ms = 300;
  Logs logs;
  auto client = std::make_unique<CollectorClient>(o, nullptr, logs.fn());
  client->OnPublish(Inventory(2).At(kT0 + kSecond));
  ASSERT_TRUE(client->WaitEncoded(5000));
  std::this_thread::sleep_for(100ms);  // the sender is waiting for the connection
  EXPECT_FALSE(client->stats().connected);
  const auto start = std::chrono::steady_clock::now();
  client.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_TRUE(logs.lines().empty()) << logs.joined();  // no verdict on the collector yet
}

TEST(CollectorClient, StopGivesUpWithinTheDrainTimeWhenAcksAreHeldBack) {
  TestCollector collector;
  collector.set_ack(false);
  CollectorClientOptions o = Options(collector.address());
  o.drain_timeout_ms = 300;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  PublishFixture p = Inventory(2);
  for (int i = 1; i <= 3; ++i) {
    p.changed = {p.view.endpoints[i % 2]};
    client.OnPublish(p.At(kT0 + i * kSecond));
  }
  ASSERT_TRUE(collector.WaitForStored(3));
  const auto start = std::chrono::steady_clock::now();
  client.Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 250ms);  // waited for the acks
  EXPECT_LT(took, 1500ms);
  // The collector has them, but never said so: the client cannot know, and counts them lost.
  EXPECT_EQ(client.stats().batches_dropped, 3u);
  EXPECT_EQ(client.stats().batches_acked, 0u);
}

// A collector that stops reading: once gRPC's flow-control window is full the sender is blocked
// inside Write, and only cancelling the call gets it out.
TEST(CollectorClient, StopCancelsAWriteTheCollectorDoesNotRead) {
  TestCollector collector;
  collector.set_read(false);
  CollectorClientOptions o = Options(collector.address());
  o.drain_timeout_ms = 300;
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  ASSERT_TRUE(WaitFor([&] { return client.stats().connected; }));
  PublishFixture p = Inventory(3000);
  p.changed = p.view.endpoints;  // every batch carries the whole inventory, about 1 MB
  constexpr int kPublishes = 8;
  for (int i = 1; i <= kPublishes; ++i) client.OnPublish(p.At(kT0 + i * kSecond));
  ASSERT_TRUE(client.WaitEncoded(10000));
  ASSERT_GT(collector.hellos().size(), 0u);
  std::this_thread::sleep_for(200ms);
  ASSERT_LT(client.stats().batches_sent, static_cast<uint64_t>(kPublishes))
      << "the writes did not block: this test proves nothing";
  const auto start = std::chrono::steady_clock::now();
  client.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_EQ(client.stats().batches_dropped, static_cast<uint64_t>(kPublishes));
  EXPECT_TRUE(collector.stored().empty());
}

TestCollectorTls ServerTls(const TestPki& pki, bool require_client_cert) {
  return {pki.server_cert_pem, pki.server_key_pem, require_client_cert ? pki.ca_pem : ""};
}

CollectorClientOptions TlsOptions(const TestCollector& collector, const TestPki& pki) {
  CollectorClientOptions o = Options(collector.address());
  o.insecure = false;
  o.ca_file = pki.ca_file();
  return o;
}

TEST(CollectorClient, TlsWithTheBearerToken) {
  TestPki pki;
  TestCollector collector(0, ServerTls(pki, false));
  CollectorClientOptions o = TlsOptions(collector, pki);
  o.token_file = pki.Write("token", "s3cr3t-token\n");
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  client.OnPublish(Inventory(2).At(kT0 + kSecond));
  ASSERT_TRUE(client.WaitAcked(10000)) << logs.joined();
  EXPECT_EQ(collector.stored_sequences(), std::vector<uint64_t>{1});
  EXPECT_EQ(collector.authorizations(), std::vector<std::string>{"Bearer s3cr3t-token"});
}

TEST(CollectorClient, MutualTls) {
  TestPki pki;
  TestCollector collector(0, ServerTls(pki, true));
  CollectorClientOptions o = TlsOptions(collector, pki);
  o.cert_file = pki.client_cert_file();
  o.key_file = pki.client_key_file();
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  client.OnPublish(Inventory(2).At(kT0 + kSecond));
  ASSERT_TRUE(client.WaitAcked(10000)) << logs.joined();
  EXPECT_EQ(collector.stored_sequences(), std::vector<uint64_t>{1});

  // Without a client certificate the collector does not let it in.
  Logs refused;
  CollectorClientOptions no_cert = TlsOptions(collector, pki);
  no_cert.drain_timeout_ms = 300;  // its batch can never be delivered
  CollectorClient anonymous(no_cert, nullptr, refused.fn());
  anonymous.OnPublish(Inventory(2).At(kT0 + kSecond));
  ASSERT_TRUE(WaitFor([&] { return !refused.lines().empty(); }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(refused.lines().size(), 1u) << refused.joined();
  EXPECT_EQ(refused.lines()[0].rfind(
                "apisensor: cannot reach the collector at " + collector.address() + ": ", 0),
            0u)
      << refused.joined();
  EXPECT_EQ(collector.stored_sequences(), std::vector<uint64_t>{1});
}

TEST(CollectorClient, ACollectorCertificateFromAnotherCaIsRefusedInOneLine) {
  TestPki pki;
  TestPki other("another CA");
  TestCollector collector(0, ServerTls(pki, false));
  CollectorClientOptions o = TlsOptions(collector, other);
  o.drain_timeout_ms = 300;  // its batch can never be delivered
  Logs logs;
  CollectorClient client(o, nullptr, logs.fn());
  client.OnPublish(Inventory(1).At(kT0 + kSecond));
  ASSERT_TRUE(WaitFor([&] { return !logs.lines().empty(); }));
  std::this_thread::sleep_for(300ms);  // retries, without more lines
  ASSERT_EQ(logs.lines().size(), 1u) << logs.joined();
  const std::string line = logs.lines()[0];
  EXPECT_EQ(line.rfind("apisensor: cannot reach the collector at " + collector.address() +
                           ": the TLS handshake failed (",
                       0),
            0u)
      << line;
  EXPECT_NE(line.find("check ca_file"), std::string::npos) << line;
  EXPECT_TRUE(collector.stored().empty());
  EXPECT_TRUE(collector.hellos().empty());
}

void ExpectRefused(const CollectorClientOptions& o, const std::string& fragment) {
  try {
    CollectorClient client(o);
    ADD_FAILURE() << "accepted options that should fail with: " << fragment;
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_EQ(what.back(), '.') << what;
  }
}

TEST(CollectorClient, BadOptionsAreRefusedWithOneSentence) {
  TestPki pki;
  CollectorClientOptions o = Options("127.0.0.1:1");
  o.address.clear();
  ExpectRefused(o, "collector address is empty");

  o = Options("127.0.0.1:1");
  o.insecure = false;
  o.ca_file = pki.dir + "/missing.pem";
  ExpectRefused(o, "collector ca_file " + pki.dir + "/missing.pem cannot be read: No such file");

  o = Options("127.0.0.1:1");
  o.insecure = false;
  o.cert_file = pki.client_cert_file();
  ExpectRefused(o, "cert_file and key_file go together");

  o = Options("127.0.0.1:1");
  o.token_file = pki.Write("token", "abc");
  ExpectRefused(o, "token_file needs TLS");

  o = Options("127.0.0.1:1");
  o.insecure = false;
  o.token_file = pki.Write("empty-token", "\n");
  ExpectRefused(o, "is empty");

  o = Options("127.0.0.1:1");
  o.insecure = false;
  o.token_file = pki.Write("two-lines", "abc\ndef\n");
  ExpectRefused(o, "holds a character a bearer token cannot have");

  o = Options("127.0.0.1:1");
  o.insecure = false;
  o.ca_file = pki.dir;  // a directory
  ExpectRefused(o, "cannot be read");
}

}  // namespace
}  // namespace apisensor::exporters
