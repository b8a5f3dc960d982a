// The collector's SQLite store, for real: a restarted collector restores every agent, endpoint,
// finding and sequence from its file; a batch that cannot be stored is neither applied nor
// acknowledged; an unusable --db is one sentence.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <span>
#include <string>

#include "agent/api/inventory_json.h"
#include "collector/collector.h"
#include "exporters/core/export_hub.h"
#include "exporters/core/sink_runner.h"
#include "tests/unit/collector/test_batches.h"
#include "tests/unit/collector/test_support.h"

namespace apisensor::collector {
namespace {

using namespace apisensor::collector::testing;

const std::string kGet = EndpointId("GET", "/orders/{id}");

void Store(Collector& c, const std::string& agent, uint64_t instance, const v1::Batch& batch) {
  std::string error;
  ASSERT_EQ(c.Apply(agent, instance, batch, error), BatchOutcome::kStored) << error;
}

// The whole published inventory as the API writes it: restored means byte for byte the same.
std::string InventoryJson(const Collector& c) {
  const auto view = c.inventory_board().Latest();
  rapidjson::StringBuffer buffer;
  api::JsonWriter w(buffer);
  w.StartArray();
  for (const auto& e : view->endpoints) api::WriteEndpoint(w, *e, true);
  for (const auto& s : view->services) api::WriteService(w, s);
  for (const auto& f : c.findings().All()) api::WriteFinding(w, f);
  w.EndArray();
  return buffer.GetString();
}

void FillTwoAgents(Collector& c) {
  ASSERT_EQ(c.Hello(MakeHello("node-a", 11)).outcome, HelloOutcome::kWelcome);
  ASSERT_EQ(c.Hello(MakeHello("node-b", 22)).outcome, HelloOutcome::kWelcome);
  v1::Batch a1 = MakeBatch(1, true);
  AddEndpoint(a1, "GET", "/orders/{id}", {30, 3, kT0 + kSecond, kT0 + 9 * kSecond, "10.0.0.1"});
  AddService(a1, "a.internal", 30, kT0 + kSecond, kT0 + 9 * kSecond);
  AddFinding(a1, "10.0.0.51", 2, kT0 + 2 * kSecond, kT0 + 3 * kSecond, "fp:1234");
  SetWorkload(*a1.mutable_endpoints(0)->mutable_k8s(), "shop", "orders", "Deployment");
  SetWorkload(*a1.mutable_services(0)->mutable_k8s(), "shop", "orders", "Deployment");
  SetWorkload(*a1.mutable_findings(0)->mutable_k8s(), "shop", "orders", "Deployment");
  SetWorkload(*a1.mutable_findings(0)->mutable_caller_k8s(), "shop", "frontend", "StatefulSet");
  AddExchanges(a1, 30);
  SetHeartbeat(a1, kT0 + 10 * kSecond, "1.2.3", 1, 9, {{"inventory_exchanges_observed", 30}});
  Store(c, "node-a", 11, a1);
  v1::Batch a2 = MakeBatch(2);
  AddEndpoint(a2, "POST", "/orders", {4, 0, kT0 + 4 * kSecond, kT0 + 5 * kSecond, "10.0.0.1"});
  AddExchanges(a2, 4);
  Store(c, "node-a", 11, a2);
  v1::Batch b1 = MakeBatch(1, true);
  AddEndpoint(b1, "GET", "/orders/{id}", {20, 0, kT0, kT0 + 8 * kSecond, "10.0.0.2"});
  AddEndpoint(b1, "GET", "/gone", {1, 0, kT0, kT0});
  AddService(b1, "b.internal", 20, kT0, kT0 + 8 * kSecond);
  AddFinding(b1, "10.0.0.51", 3, kT0 + kSecond, kT0 + 2 * kSecond);
  AddExchanges(b1, 21);
  Store(c, "node-b", 22, b1);
  v1::Batch b3 = MakeBatch(3);  // 2 was lost on the agent's side
  b3.add_removed_endpoint_ids(EndpointId("GET", "/gone"));
  Store(c, "node-b", 22, b3);
}

TEST(CollectorStore, ARestartedCollectorRestoresEverythingFromItsFile) {
  TempDir dir;
  CollectorOptions options;
  options.db_path = dir.file("state/collector.db");  // the directory is created
  std::string inventory, agents;
  {
    Collector c(options);
    FillTwoAgents(c);
    c.Publish(kT0 + 20 * kSecond);
    EXPECT_EQ(FindEndpoint(c, kGet)->stats.requests, 50u);
    EXPECT_EQ(c.findings().All().at(0).count, 5u);
    c.Goodbye("node-a");
    c.Goodbye("node-b");
    inventory = InventoryJson(c);
    agents = c.AgentsJson();
  }
  // The workloads are part of what is restored byte for byte.
  EXPECT_NE(inventory.find(R"("k8s":{"namespace":"shop","workload":"orders",)"
                           R"("workload_kind":"Deployment"})"),
            std::string::npos)
      << inventory;
  EXPECT_NE(inventory.find(R"("caller_k8s":{"namespace":"shop","workload":"frontend",)"),
            std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(dir.file("state").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  Collector restarted(options);
  ASSERT_EQ(restarted.startup_notes().size(), 1u);
  EXPECT_NE(restarted.startup_notes()[0].find("restored 2 agents"), std::string::npos)
      << restarted.startup_notes()[0];
  // Served at once, before the first publish.
  EXPECT_EQ(InventoryJson(restarted), inventory);
  restarted.Publish(kT0 + 30 * kSecond);
  EXPECT_EQ(InventoryJson(restarted), inventory);
  EXPECT_EQ(FindEndpoint(restarted, EndpointId("GET", "/gone")), nullptr);
  EXPECT_EQ(restarted.AgentsJson(), agents);
  AgentsDoc doc(restarted.AgentsJson());
  EXPECT_EQ((*doc.agent("node-a"))["exchanges_received"].GetUint64(), 34u);
  EXPECT_EQ((*doc.agent("node-b"))["exchanges_received"].GetUint64(), 21u);
  EXPECT_EQ((*doc.agent("node-a"))["items_dropped"].GetUint64(), 9u);
  EXPECT_FALSE((*doc.agent("node-a"))["connected"].GetBool());
  EXPECT_EQ(restarted.inventory_board().Latest()->stats.exchanges_observed, 30u);

  // Each agent instance resumes after what was stored, and what it resends is skipped.
  EXPECT_EQ(restarted.Hello(MakeHello("node-a", 11)).last_stored_sequence, 2u);
  EXPECT_EQ(restarted.Hello(MakeHello("node-b", 22)).last_stored_sequence, 3u);
  v1::Batch resent = MakeBatch(2);
  AddExchanges(resent, 4);
  std::string error;
  EXPECT_EQ(restarted.Apply("node-a", 11, resent, error), BatchOutcome::kDuplicate);
  v1::Batch a3 = MakeBatch(3);
  AddEndpoint(a3, "GET", "/orders/{id}", {35, 3, kT0 + kSecond, kT0 + 19 * kSecond, "10.0.0.1"});
  AddExchanges(a3, 5);
  Store(restarted, "node-a", 11, a3);
  restarted.Publish(kT0 + 31 * kSecond);
  EXPECT_EQ(FindEndpoint(restarted, kGet)->stats.requests, 55u);
  EXPECT_EQ((*AgentsDoc(restarted.AgentsJson()).agent("node-a"))["exchanges_received"].GetUint64(),
            39u);
}

// Keeps what it was handed, as a SIEM would.
class KeepingSink final : public exporters::Sink {
 public:
  exporters::DeliveryResult Deliver(std::span<const exporters::ExportItemPtr>) override {
    return {};
  }
};

uint64_t FindingsOffered(const exporters::ExportHub& hub) {
  return hub.runners()[0]->stats().offered;
}

std::unique_ptr<exporters::ExportHub> HubWithOneSink() {
  auto hub = std::make_unique<exporters::ExportHub>();
  exporters::SinkOptions sink;
  sink.name = "siem";
  sink.type = "test";
  hub->Add(std::make_unique<exporters::SinkRunner>(sink, std::make_unique<KeepingSink>(),
                                                   [](const std::string&) {}));
  return hub;
}

TEST(CollectorStore, RestoredFindingsAreNotExportedAgainAfterARestart) {
  TempDir dir;
  CollectorOptions options;
  options.db_path = dir.file("collector.db");
  {
    auto hub = HubWithOneSink();
    Collector c(options, hub.get());
    c.Hello(MakeHello("node-a", 1));
    v1::Batch a = MakeBatch(1);
    AddFinding(a, "10.0.0.51", 2, kT0, kT0);
    AddFinding(a, "10.0.0.52", 2, kT0, kT0);
    Store(c, "node-a", 1, a);
    c.Publish(kT0);
    EXPECT_EQ(FindingsOffered(*hub), 2u);
  }
  auto hub = HubWithOneSink();
  Collector c(options, hub.get());
  c.Publish(kT0 + kSecond);
  c.Publish(kT0 + 2 * kSecond);
  EXPECT_EQ(c.findings().All().size(), 2u);
  EXPECT_EQ(FindingsOffered(*hub), 0u);
  // A finding that is new after the restart is.
  c.Hello(MakeHello("node-a", 1));
  v1::Batch a = MakeBatch(2);
  AddFinding(a, "10.0.0.53", 1, kT0, kT0);
  Store(c, "node-a", 1, a);
  c.Publish(kT0 + 3 * kSecond);
  EXPECT_EQ(FindingsOffered(*hub), 1u);
}

// Runs `sql` on the collector's file through a second connection.
void ExecOnFile(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

int64_t QueryInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

TEST(CollectorStore, ABatchThatCannotBeStoredIsNeitherAppliedNorAcknowledged) {
  TempDir dir;
  CollectorOptions options;
  options.db_path = dir.file("collector.db");
  Collector c(options);
  c.Hello(MakeHello("node-a", 1));
  v1::Batch b1 = MakeBatch(1);
  AddEndpoint(b1, "GET", "/orders/{id}", {10, 0, kT0, kT0});
  Store(c, "node-a", 1, b1);
  // Break the store under it: the batch's agent row is written, then its finding fails.
  ExecOnFile(options.db_path, "DROP TABLE agent_findings");

  v1::Batch b2 = MakeBatch(2);
  AddEndpoint(b2, "GET", "/orders/{id}", {20, 0, kT0, kT0});
  AddFinding(b2, "10.0.0.51", 1, kT0, kT0);
  AddExchanges(b2, 6);
  std::string error;
  EXPECT_EQ(c.Apply("node-a", 1, b2, error), BatchOutcome::kFailed);
  EXPECT_NE(error.find("agent_findings"), std::string::npos) << error;
  // Not a duplicate on the retry: it was never stored.
  EXPECT_EQ(c.Apply("node-a", 1, b2, error), BatchOutcome::kFailed);
  EXPECT_EQ(CounterValue(c, "collector_store_errors"), 2u);
  c.Publish(kT0);
  EXPECT_EQ(FindEndpoint(c, kGet)->stats.requests, 10u);
  EXPECT_TRUE(c.findings().All().empty());
  EXPECT_EQ((*AgentsDoc(c.AgentsJson()).agent("node-a"))["exchanges_received"].GetUint64(), 0u);
  EXPECT_EQ(c.Hello(MakeHello("node-a", 1)).last_stored_sequence, 1u);
  // Rolled back whole: the agent row and the endpoint are as batch 1 left them.
  EXPECT_EQ(QueryInt(options.db_path, "SELECT last_sequence FROM agents"), 1);
  EXPECT_EQ(QueryInt(options.db_path, "SELECT last_sequence FROM instances"), 1);
  EXPECT_NE(
      QueryInt(options.db_path, "SELECT instr(stats, '\"requests\":10') FROM agent_endpoints"), 0);
}

void ExpectOneSentence(const CollectorOptions& options, const std::string& must_contain) {
  try {
    Collector c(options);
    ADD_FAILURE() << "accepted --db " << options.db_path;
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(must_contain), std::string::npos) << message;
    EXPECT_NE(message.find("--db"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(CollectorStore, AnUnusableDbPathIsOneSentence) {
  TempDir dir;
  CollectorOptions options;
  options.db_path = dir.path();
  ExpectOneSentence(options, "is a directory");

  options.db_path = dir.file("not-a-database");
  std::ofstream(options.db_path) << std::string(4096, 'x');
  ExpectOneSentence(options, "not a database");

  std::ofstream(dir.file("plain-file")) << "x";
  options.db_path = dir.file("plain-file/collector.db");
  ExpectOneSentence(options, "cannot open");

  options.db_path = dir.file("newer.db");
  ExecOnFile(options.db_path, "PRAGMA user_version = 99");
  try {
    Collector c(options);
    ADD_FAILURE() << "opened a store of a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer apisensor-collector"), std::string::npos)
        << e.what();
  }
}

TEST(CollectorStore, EmptyDbPathKeepsEverythingInMemory) {
  Collector c({});
  ASSERT_EQ(c.startup_notes().size(), 1u);
  EXPECT_NE(c.startup_notes()[0].find("memory"), std::string::npos);
  c.Hello(MakeHello("node-a", 1));
  Store(c, "node-a", 1, MakeBatch(1));
  EXPECT_EQ(c.Hello(MakeHello("node-a", 1)).last_stored_sequence, 1u);
}

}  // namespace
}  // namespace apisensor::collector
