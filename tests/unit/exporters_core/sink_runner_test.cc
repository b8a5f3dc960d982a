#include "exporters/core/sink_runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "tests/unit/exporters_core/scripted_sink.h"

namespace apisensor::exporters {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

SinkOptions FastOptions() {
  SinkOptions o;
  o.name = "test";
  o.type = "scripted";
  o.batch_wait_ms = 0;
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 4;
  o.drain_timeout_ms = 2000;
  return o;
}

std::vector<ExportItemPtr> Findings(int n, const std::string& prefix = "f") {
  std::vector<ExportItemPtr> items;
  for (int i = 0; i < n; ++i) items.push_back(FindingItem(prefix + std::to_string(i)));
  return items;
}

std::vector<std::string> Flatten(const std::vector<std::vector<std::string>>& batches) {
  std::vector<std::string> out;
  for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
  return out;
}

TEST(SinkRunner, DeliversEverythingInOrderInBoundedBatches) {
  ScriptedSink::Shared shared;
  SinkOptions o = FastOptions();
  o.max_batch = 7;
  o.batch_wait_ms = 50;
  std::vector<std::string> logs;
  SinkRunner runner(o, std::make_unique<ScriptedSink>(shared),
                    [&](const std::string& line) { logs.push_back(line); });
  const auto items = Findings(50);
  runner.Offer(items);
  ASSERT_TRUE(runner.WaitIdle(5000));
  std::vector<std::string> want;
  for (int i = 0; i < 50; ++i) want.push_back("f" + std::to_string(i));
  std::lock_guard lock(shared.mu);
  EXPECT_EQ(Flatten(shared.delivered), want);
  for (const auto& batch : shared.delivered) EXPECT_LE(batch.size(), 7u);
  EXPECT_EQ(runner.stats().delivered, 50u);
  EXPECT_EQ(runner.stats().offered, 50u);
  EXPECT_TRUE(logs.empty());
}

TEST(SinkRunner, RetriesTheSameBatchAndLogsOnlyStateChanges) {
  ScriptedSink::Shared shared;
  shared.script = {Delivery::kRetry, Delivery::kRetry, Delivery::kRetry};
  std::vector<std::string> logs;
  std::mutex logs_mu;
  SinkRunner runner(FastOptions(), std::make_unique<ScriptedSink>(shared),
                    [&](const std::string& line) {
                      std::lock_guard lock(logs_mu);
                      logs.push_back(line);
                    });
  runner.Offer(Findings(3));
  ASSERT_TRUE(runner.WaitIdle(5000));
  const SinkStats s = runner.stats();
  EXPECT_EQ(s.retries, 3u);
  EXPECT_EQ(s.delivered, 3u);
  EXPECT_FALSE(s.failing);
  {
    std::lock_guard lock(shared.mu);
    EXPECT_EQ(Flatten(shared.delivered), (std::vector<std::string>{"f0", "f1", "f2"}));
  }
  std::lock_guard lock(logs_mu);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0], "apisensor: sink test: the destination said no (retrying with backoff)");
  EXPECT_EQ(logs[1], "apisensor: sink test: delivering again");
}

TEST(SinkRunner, RejectedBatchesAreCountedNotRetried) {
  ScriptedSink::Shared shared;
  shared.script = {Delivery::kRejected};
  SinkOptions o = FastOptions();
  o.max_batch = 2;
  SinkRunner runner(o, std::make_unique<ScriptedSink>(shared), [](const std::string&) {});
  runner.Offer(Findings(4));
  ASSERT_TRUE(runner.WaitIdle(5000));
  EXPECT_EQ(runner.stats().rejected, 2u);
  EXPECT_EQ(runner.stats().delivered, 2u);
  EXPECT_EQ(runner.stats().retries, 0u);
  EXPECT_EQ(runner.last_error(), "the destination said no");
}

TEST(SinkRunner, ItemsASinkSkipsOrCutsAreCountedApartFromDelivered) {
  ScriptedSink::Shared shared;
  // The first batch is retried, then delivered (counted once); the second refused for good;
  // the third delivered.
  shared.script = {Delivery::kRetry, Delivery::kDelivered, Delivery::kRejected};
  shared.skipped_per_batch = 1;
  shared.truncated_per_batch = 2;
  SinkOptions o = FastOptions();
  o.max_batch = 3;
  SinkRunner runner(o, std::make_unique<ScriptedSink>(shared), [](const std::string&) {});
  runner.Offer(Findings(9));
  ASSERT_TRUE(runner.WaitIdle(5000));
  const SinkStats s = runner.stats();
  EXPECT_EQ(s.delivered, 4u);
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.skipped, 3u);
  EXPECT_EQ(s.truncated, 4u);
  std::vector<metrics::Counter> counters;
  runner.AppendCounters(counters);
  std::map<std::string, uint64_t> by_name;
  for (const metrics::Counter& c : counters) by_name[c.name] = c.value;
  EXPECT_EQ(by_name["export_skipped_unformattable"], 3u);
  EXPECT_EQ(by_name["export_truncated"], 4u);
  EXPECT_EQ(by_name["export_delivered"], 4u);
}

TEST(SinkRunner, AFullQueueDropsAndCountsWithoutBlockingTheCaller) {
  ScriptedSink::Shared shared;
  shared.hold = true;
  SinkOptions o = FastOptions();
  o.queue_capacity = 10;
  o.max_batch = 1;
  SinkRunner runner(o, std::make_unique<ScriptedSink>(shared), [](const std::string&) {});
  runner.Offer(Findings(1, "first"));
  {
    // The worker now holds "first0" in flight; the queue is empty behind it.
    std::unique_lock lock(shared.mu);
    ASSERT_TRUE(shared.cv.wait_for(lock, milliseconds(5000), [&] { return shared.holding == 1; }));
  }
  const auto start = steady_clock::now();
  runner.Offer(Findings(25));
  EXPECT_LT(steady_clock::now() - start, milliseconds(500));  // never waits on the sink
  EXPECT_EQ(runner.stats().dropped_queue_full, 15u);
  EXPECT_EQ(runner.stats().queued, 10u);
  {
    std::lock_guard lock(shared.mu);
    shared.hold = false;
  }
  shared.cv.notify_all();
  ASSERT_TRUE(runner.WaitIdle(5000));
  const SinkStats s = runner.stats();
  EXPECT_EQ(s.delivered, 11u);
  EXPECT_EQ(s.offered, s.delivered + s.dropped_queue_full);
}

TEST(SinkRunner, FiltersByTypeSeverityAndKind) {
  ScriptedSink::Shared shared;
  SinkOptions o = FastOptions();
  o.finding_types = {"weak_jwt"};
  o.min_severity = findings::Severity::kHigh;
  SinkRunner runner(o, std::make_unique<ScriptedSink>(shared), [](const std::string&) {});
  std::vector<ExportItemPtr> items = {
      FindingItem("keep", findings::Severity::kCritical),
      FindingItem("too-low", findings::Severity::kMedium),
      FindingItem("other-type", findings::Severity::kCritical, "rate_anomaly"),
      std::make_shared<const ExportItem>(ExchangeSummary{}),
  };
  runner.Offer(items);
  ASSERT_TRUE(runner.WaitIdle(5000));
  std::lock_guard lock(shared.mu);
  EXPECT_EQ(Flatten(shared.delivered), (std::vector<std::string>{"keep"}));
  EXPECT_EQ(runner.stats().offered, 1u);
}

TEST(SinkRunner, RateLimitDropsTheExcessAndCountsIt) {
  ScriptedSink::Shared shared;
  SinkOptions o = FastOptions();
  o.rate_limit_per_s = 10;
  SinkRunner runner(o, std::make_unique<ScriptedSink>(shared), [](const std::string&) {});
  runner.Offer(Findings(100));
  ASSERT_TRUE(runner.WaitIdle(5000));
  const SinkStats s = runner.stats();
  // A second's worth of burst, give or take what refilled while offering.
  EXPECT_GE(s.delivered, 10u);
  EXPECT_LE(s.delivered, 11u);
  EXPECT_EQ(s.delivered + s.dropped_rate_limited, 100u);
}

TEST(SinkRunner, ShutdownGivesUpOnAnUnreachableDestinationAndCountsWhatWasLeft) {
  ScriptedSink::Shared shared;
  shared.script = std::deque<Delivery>(100000, Delivery::kRetry);
  SinkOptions o = FastOptions();
  o.max_batch = 5;
  o.drain_timeout_ms = 100;
  auto runner = std::make_unique<SinkRunner>(o, std::make_unique<ScriptedSink>(shared),
                                             [](const std::string&) {});
  runner->Offer(Findings(12));
  const auto start = steady_clock::now();
  runner->RequestStop();
  // Read the figures just before the worker exits: stats stay readable until destruction.
  while (runner->stats().dropped_at_shutdown != 12u &&
         steady_clock::now() - start < milliseconds(3000)) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(runner->stats().dropped_at_shutdown, 12u);
  EXPECT_EQ(runner->stats().delivered, 0u);
  runner.reset();
  EXPECT_LT(steady_clock::now() - start, milliseconds(2000));
}

TEST(Backoff, DoublesWithJitterUpToTheCap) {
  Backoff backoff(100, 1000, 42);
  const uint64_t ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (uint64_t ceiling : ceilings) {
    const uint64_t d = backoff.NextDelayMs();
    EXPECT_GE(d, ceiling / 2);
    EXPECT_LE(d, ceiling);
  }
  backoff.Reset();
  EXPECT_LE(backoff.NextDelayMs(), 100u);
}

TEST(Backoff, JitterSpreadsAgentsThatFailedTogether) {
  std::set<uint64_t> delays;
  for (uint64_t seed = 1; seed <= 20; ++seed)
    delays.insert(Backoff(1000, 60000, seed).NextDelayMs());
  EXPECT_GT(delays.size(), 10u);
}

// A long initial delay doubled many times must reach the cap, never wrap around to a short wait.
TEST(Backoff, LongDelaysStayAtTheCapHoweverManyAttempts) {
  Backoff backoff(1'000'000'000, 3'600'000'000, 7);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const uint64_t d = backoff.NextDelayMs();
    ASSERT_GE(d, 500'000'000u) << attempt;
    ASSERT_LE(d, 3'600'000'000u) << attempt;
  }
}

TEST(TokenBucket, RefillsAtTheRate) {
  TokenBucket bucket(2);
  const uint64_t t0 = 1'000'000'000;
  EXPECT_TRUE(bucket.Take(t0));
  EXPECT_TRUE(bucket.Take(t0));
  EXPECT_FALSE(bucket.Take(t0));
  EXPECT_TRUE(bucket.Take(t0 + 500'000'000));  // half a second: one token
  EXPECT_FALSE(bucket.Take(t0 + 500'000'000));
}

}  // namespace
}  // namespace apisensor::exporters
