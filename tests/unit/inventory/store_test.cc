#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "agent/store/inventory_store.h"
#include "agent/store/store_writer.h"

namespace apisensor::store {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("apisensor-store-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  static std::shared_ptr<const inventory::EndpointView> Endpoint(std::string id, uint64_t n) {
    auto e = std::make_shared<inventory::EndpointView>();
    e->id = std::move(id);
    e->service = "python3:8080";
    e->method = "GET";
    e->path = "/users/{id}";
    e->state = inventory::EndpointState::kZombie;
    e->declared.deprecated = true;
    e->declared.spec = "shop.yaml";
    e->stats.requests = n;
    e->stats.first_seen_ns = 1;
    e->stats.last_seen_ns = 2;
    e->stats.AddStatus(200, n);
    e->stats.latency.Add(1'000'000);
    e->stats.callers.Add("10.0.0.1", n);
    return e;
  }

  std::string path_;
};

TEST_F(StoreTest, WritesAndReadsBackEverything) {
  {
    InventoryStore store(path_);
    StoreBatch batch;
    batch.endpoints = {Endpoint("aaaaaaaaaaaaaaaa", 3), Endpoint("bbbbbbbbbbbbbbbb", 1)};
    inventory::ServiceView service;
    service.name = "python3:8080";
    service.process = "python3";
    service.port = 8080;
    service.hosts.Add("shop:8080", 4);
    service.k8s = {"shop", "checkout", "Deployment"};
    batch.services = {service};
    findings::Finding f;
    f.id = "cccccccccccccccc";
    f.type = "shadow_endpoint";
    f.severity = findings::Severity::kMedium;
    f.evidence = {{"endpoint", "GET /x"}};
    f.k8s = {"shop", "checkout", "Deployment"};
    f.caller_k8s = {"shop", "payments", "Service"};
    batch.findings = {f};
    store.Write(batch);
    // An upsert replaces, a removal deletes.
    StoreBatch second;
    second.endpoints = {Endpoint("aaaaaaaaaaaaaaaa", 7)};
    second.removed_endpoint_ids = {"bbbbbbbbbbbbbbbb"};
    store.Write(second);
  }
  InventoryStore reopened(path_);
  const StoredState state = reopened.Load({});
  ASSERT_EQ(state.endpoints.size(), 1u);
  const auto& e = state.endpoints[0];
  EXPECT_EQ(e.endpoint.stats.requests, 7u);
  EXPECT_EQ(e.endpoint.state, inventory::EndpointState::kZombie);
  EXPECT_TRUE(e.endpoint.declared.deprecated);
  EXPECT_EQ(e.endpoint.declared.spec, "shop.yaml");
  EXPECT_EQ(e.endpoint.stats.latency.count(), 1u);
  EXPECT_EQ(e.service.port, 8080);
  EXPECT_EQ(e.service.hosts.entries()[0].count, 4u);
  EXPECT_EQ(e.service.k8s, (k8s::WorkloadIdentity{"shop", "checkout", "Deployment"}));
  ASSERT_EQ(state.findings.size(), 1u);
  EXPECT_EQ(state.findings[0].severity, findings::Severity::kMedium);
  EXPECT_EQ(state.findings[0].evidence[0].second, "GET /x");
  EXPECT_EQ(state.findings[0].k8s, (k8s::WorkloadIdentity{"shop", "checkout", "Deployment"}));
  EXPECT_EQ(state.findings[0].caller_k8s, (k8s::WorkloadIdentity{"shop", "payments", "Service"}));
  EXPECT_EQ(state.unreadable_rows, 0u);
}

// A store written before Kubernetes workloads were kept (schema 1) opens, gains the columns, and
// its rows read back with no workload.
TEST_F(StoreTest, MigratesAStoreWithoutWorkloadColumns) {
  {
    InventoryStore store(path_);
    StoreBatch batch;
    batch.endpoints = {Endpoint("aaaaaaaaaaaaaaaa", 3)};
    inventory::ServiceView service;
    service.name = "python3:8080";
    batch.services = {service};
    findings::Finding f;
    f.id = "cccccccccccccccc";
    f.type = "shadow_endpoint";
    batch.findings = {f};
    store.Write(batch);
  }
  {
    Database db(path_);
    db.Exec(
        "ALTER TABLE services DROP COLUMN k8s; ALTER TABLE findings DROP COLUMN k8s; "
        "ALTER TABLE findings DROP COLUMN caller_k8s; PRAGMA user_version = 1;");
  }
  InventoryStore reopened(path_);
  StoredState state = reopened.Load({});
  ASSERT_EQ(state.endpoints.size(), 1u);
  EXPECT_FALSE(state.endpoints[0].service.k8s.known());
  ASSERT_EQ(state.findings.size(), 1u);
  EXPECT_FALSE(state.findings[0].k8s.known());
  EXPECT_EQ(state.unreadable_rows, 0u);
  // And it now keeps them.
  StoreBatch batch;
  findings::Finding f = state.findings[0];
  f.caller_k8s = {"shop", "frontend", "StatefulSet"};
  batch.findings = {f};
  reopened.Write(batch);
  state = reopened.Load({});
  ASSERT_EQ(state.findings.size(), 1u);
  EXPECT_EQ(state.findings[0].caller_k8s.name, "frontend");
}

TEST_F(StoreTest, RefusesADatabaseFromANewerBuild) {
  { InventoryStore store(path_); }
  {
    Database db(path_);
    db.Exec("PRAGMA user_version = 99");
  }
  try {
    InventoryStore store(path_);
    FAIL() << "opened a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer apisensor"), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, UnreadableRowsAreSkippedAndCounted) {
  {
    InventoryStore store(path_);
    StoreBatch batch;
    batch.endpoints = {Endpoint("aaaaaaaaaaaaaaaa", 3)};
    store.Write(batch);
    Database db(path_);
    db.Exec("UPDATE endpoints SET stats = '{\"v\":1,\"requests\":\"garbage\"}'");
  }
  InventoryStore reopened(path_);
  const StoredState state = reopened.Load({});
  EXPECT_TRUE(state.endpoints.empty());
  EXPECT_EQ(state.unreadable_rows, 1u);
}

// Findings rows are read as the collector reads them: a severity that is no known name makes the
// row unreadable (not silently "info"), and evidence keeps every byte, NUL included.
TEST_F(StoreTest, FindingsWithAnUnknownSeverityAreUnreadableAndEvidenceKeepsEveryByte) {
  {
    InventoryStore store(path_);
    StoreBatch batch;
    findings::Finding a;
    a.id = "aaaaaaaaaaaaaaaa";
    a.type = "unauthenticated_access";
    a.severity = findings::Severity::kHigh;
    a.evidence = {{"header", std::string("x\0y", 3)}};
    findings::Finding b = a;
    b.id = "bbbbbbbbbbbbbbbb";
    batch.findings = {a, b};
    store.Write(batch);
    Database db(path_);
    db.Exec("UPDATE findings SET severity = 'severe' WHERE id = 'bbbbbbbbbbbbbbbb'");
  }
  InventoryStore reopened(path_);
  const StoredState state = reopened.Load({});
  ASSERT_EQ(state.findings.size(), 1u);
  EXPECT_EQ(state.findings[0].id, "aaaaaaaaaaaaaaaa");
  EXPECT_EQ(state.findings[0].severity, findings::Severity::kHigh);
  EXPECT_EQ(state.findings[0].evidence[0].second, std::string("x\0y", 3));
  EXPECT_EQ(state.unreadable_rows, 1u);
}

TEST_F(StoreTest, WriterCoalescesAndFlushes) {
  InventoryStore store(path_);
  {
    StoreWriter writer(store);
    for (uint64_t n = 1; n <= 50; ++n) {
      StoreBatch batch;
      batch.endpoints = {Endpoint("aaaaaaaaaaaaaaaa", n)};
      writer.Submit(std::move(batch));
    }
    writer.Flush();
    EXPECT_EQ(writer.stats().write_errors, 0u);
    EXPECT_LE(writer.stats().rows_written, 50u);
  }
  const StoredState state = store.Load({});
  ASSERT_EQ(state.endpoints.size(), 1u);
  EXPECT_EQ(state.endpoints[0].endpoint.stats.requests, 50u);  // the latest figures won
}

TEST_F(StoreTest, UnwritableLocationIsOneClearSentence) {
  try {
    InventoryStore store("/nonexistent-dir/inventory.db");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--db"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace apisensor::store
