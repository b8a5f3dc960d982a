#include "exporters/collector/publish_coalesce.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/unit/exporters_collector/test_views.h"

namespace apisensor::exporters {
namespace {

using namespace apisensor::testing;

std::map<std::string, uint64_t> Requests(const PublishMaterials& m) {
  std::map<std::string, uint64_t> out;
  for (const auto& e : m.endpoints) out[e->path] = e->stats.requests;
  return out;
}

ExchangeSummary Exchange(uint64_t t) {
  return SummarizeExchange(MakeRecord(t, 200), MakeObserved());
}

TEST(Coalesce, TwoDeltasKeepTheLatestOfEachAndTheRemovalsThatStillHold) {
  PublishMaterials older;
  older.now_unix_ns = kT0;
  older.heartbeat = true;
  older.endpoints = {MakeEndpoint("/a", 1), MakeEndpoint("/b", 1), MakeEndpoint("/c", 1)};
  older.removed_ids = {"id:/x", "id:/y"};
  older.services = {MakeService(1)};
  older.findings = {MakeFinding("GET /a", 1)};
  older.exchanges = {Exchange(1), Exchange(2)};

  PublishMaterials newer;
  newer.now_unix_ns = kT0 + kSecond;
  newer.endpoints = {MakeEndpoint("/b", 2), MakeEndpoint("/x", 2), MakeEndpoint("/d", 2)};
  newer.removed_ids = {"id:/c", "id:/y"};
  newer.services = {MakeService(2)};
  newer.findings = {MakeFinding("GET /a", 2), MakeFinding("GET /b", 1)};
  newer.exchanges = {Exchange(3), Exchange(4), Exchange(5)};

  EXPECT_EQ(Coalesce(older, std::move(newer), 4), 1u);  // one exchange over the cap
  EXPECT_EQ(older.now_unix_ns, kT0 + kSecond);
  EXPECT_TRUE(older.heartbeat);
  EXPECT_FALSE(older.full_snapshot);
  EXPECT_EQ(Requests(older),
            (std::map<std::string, uint64_t>{{"/a", 1}, {"/b", 2}, {"/x", 2}, {"/d", 2}}));
  // x came back, c went, y was removed twice.
  EXPECT_EQ(older.removed_ids, (std::vector<std::string>{"id:/y", "id:/c"}));
  ASSERT_EQ(older.services.size(), 1u);
  EXPECT_EQ(older.services[0].requests, 2u);
  ASSERT_EQ(older.findings.size(), 2u);
  EXPECT_EQ(older.findings[0].count, 2u);
  EXPECT_EQ(older.findings[1].endpoint, "GET /b");
  ASSERT_EQ(older.exchanges.size(), 4u);
  EXPECT_EQ(older.exchanges[3].time_ns, 4u);
}

TEST(Coalesce, ADeltaAfterAFullSnapshotKeepsItFull) {
  PublishMaterials older;
  older.full_snapshot = true;
  older.endpoints = {MakeEndpoint("/a", 1), MakeEndpoint("/b", 1)};
  PublishMaterials newer;
  newer.endpoints = {MakeEndpoint("/a", 5), MakeEndpoint("/c", 1)};
  newer.removed_ids = {"id:/b"};
  EXPECT_EQ(Coalesce(older, std::move(newer), 10), 0u);
  EXPECT_TRUE(older.full_snapshot);
  EXPECT_EQ(Requests(older), (std::map<std::string, uint64_t>{{"/a", 5}, {"/c", 1}}));
  EXPECT_TRUE(older.removed_ids.empty());  // a full snapshot names what exists
}

TEST(Coalesce, AFullSnapshotAfterADeltaReplacesItsEndpoints) {
  PublishMaterials older;
  older.endpoints = {MakeEndpoint("/old", 1)};
  older.removed_ids = {"id:/gone"};
  older.findings = {MakeFinding("GET /old", 1)};
  PublishMaterials newer;
  newer.full_snapshot = true;
  newer.endpoints = {MakeEndpoint("/a", 3)};
  EXPECT_EQ(Coalesce(older, std::move(newer), 10), 0u);
  EXPECT_TRUE(older.full_snapshot);
  EXPECT_EQ(Requests(older), (std::map<std::string, uint64_t>{{"/a", 3}}));
  EXPECT_TRUE(older.removed_ids.empty());
  EXPECT_EQ(older.findings.size(), 1u);  // findings are kept: the encoder tracks them
}

}  // namespace
}  // namespace apisensor::exporters
