#include "collector/collector_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "agent/inventory/endpoint_codec.h"
#include "agent/store/finding_columns.h"

namespace apisensor::collector {
namespace {

// Each entry moves the schema from version i to i + 1. Never edit a shipped entry: add one.
constexpr std::array<const char*, kCollectorSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE agents (
  agent_id TEXT PRIMARY KEY,
  node TEXT NOT NULL,
  version TEXT NOT NULL,
  instance_id INTEGER NOT NULL,
  last_sequence INTEGER NOT NULL,
  exchanges_received INTEGER NOT NULL,
  batches_stored INTEGER NOT NULL,
  last_batch INTEGER NOT NULL,
  heartbeat_time INTEGER NOT NULL,
  heartbeat_version TEXT NOT NULL,
  batches_dropped INTEGER NOT NULL,
  items_dropped INTEGER NOT NULL,
  queued_batches INTEGER NOT NULL,
  counters TEXT NOT NULL
);
CREATE TABLE instances (
  agent_id TEXT NOT NULL,
  instance_id INTEGER NOT NULL,
  last_sequence INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  PRIMARY KEY (agent_id, instance_id)
);
CREATE TABLE agent_endpoints (
  agent_id TEXT NOT NULL,
  id TEXT NOT NULL,
  service TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  state TEXT NOT NULL,
  deprecated INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  secured INTEGER NOT NULL,
  operation_id TEXT NOT NULL,
  spec TEXT NOT NULL,
  codec_version INTEGER NOT NULL,
  stats TEXT NOT NULL,
  PRIMARY KEY (agent_id, id)
);
CREATE TABLE agent_services (
  agent_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  process TEXT NOT NULL,
  port INTEGER NOT NULL,
  hosts TEXT NOT NULL,
  requests INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  specs TEXT NOT NULL,
  endpoints_dropped INTEGER NOT NULL,
  PRIMARY KEY (agent_id, name)
);
CREATE TABLE agent_findings (
  agent_id TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  owasp TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  service TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  caller TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  PRIMARY KEY (agent_id, id)
);
)sql",
    // Kubernetes workloads (k8s::WorkloadText) of endpoints, services and findings' two sides.
    R"sql(
ALTER TABLE agent_endpoints ADD COLUMN k8s TEXT NOT NULL DEFAULT '';
ALTER TABLE agent_services ADD COLUMN k8s TEXT NOT NULL DEFAULT '';
ALTER TABLE agent_findings ADD COLUMN k8s TEXT NOT NULL DEFAULT '';
ALTER TABLE agent_findings ADD COLUMN caller_k8s TEXT NOT NULL DEFAULT '';
)sql",
};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// SQLite integers are signed 64-bit: unsigned values (random instance ids) travel bit for bit.
int64_t I(uint64_t v) { return static_cast<int64_t>(v); }
uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

void String(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string EncodeStrings(const std::vector<std::string>& values) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const std::string& v : values) String(w, v);
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

bool DecodeStrings(std::string_view text, std::vector<std::string>& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsArray()) return false;
  for (const auto& v : doc.GetArray()) {
    if (!v.IsString()) return false;
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return true;
}

std::string EncodeCounters(const std::vector<AgentCounter>& counters) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartArray();
  for (const AgentCounter& c : counters) {
    w.StartArray();
    String(w, c.name);
    String(w, c.labels);
    w.Uint64(c.value);
    w.EndArray();
  }
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

bool DecodeCounters(std::string_view text, std::vector<AgentCounter>& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsArray()) return false;
  for (const auto& c : doc.GetArray()) {
    if (!c.IsArray() || c.Size() != 3 || !c[0].IsString() || !c[1].IsString() || !c[2].IsUint64()) {
      return false;
    }
    out.push_back({std::string(c[0].GetString(), c[0].GetStringLength()),
                   std::string(c[1].GetString(), c[1].GetStringLength()), c[2].GetUint64()});
  }
  return true;
}

// A directory would open and fail only at the first statement, with a message naming neither
// the flag nor the fix.
const std::string& UsablePath(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error("--db " + path +
                             " is a directory: give the path of the collector's SQLite file in "
                             "it, e.g. " +
                             (std::filesystem::path(path) / "collector.db").string() + ".");
  }
  return path;
}

// ROLLBACK after a failed statement; a ROLLBACK that fails too (SQLite already rolled back) must
// not hide the error that matters.
void RollbackQuietly(store::Database& db) {
  try {
    db.Exec("ROLLBACK");
  } catch (const std::exception&) {
  }
}

}  // namespace

struct CollectorStore::Statements {
  explicit Statements(store::Database& db)
      : agent(db.Prepare(
            "INSERT INTO agents(agent_id, node, version, instance_id, last_sequence, "
            "exchanges_received, batches_stored, last_batch, heartbeat_time, heartbeat_version, "
            "batches_dropped, items_dropped, queued_batches, counters) VALUES(?1, ?2, ?3, ?4, ?5, "
            "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT(agent_id) DO UPDATE SET "
            "node=?2, version=?3, instance_id=?4, last_sequence=?5, exchanges_received=?6, "
            "batches_stored=?7, last_batch=?8, heartbeat_time=?9, heartbeat_version=?10, "
            "batches_dropped=?11, items_dropped=?12, queued_batches=?13, counters=?14")),
        instance(db.Prepare(
            "INSERT INTO instances(agent_id, instance_id, last_sequence, updated) VALUES(?1, ?2, "
            "?3, ?4) ON CONFLICT(agent_id, instance_id) DO UPDATE SET last_sequence=?3, "
            "updated=?4")),
        prune_instances(db.Prepare(
            "DELETE FROM instances WHERE agent_id = ?1 AND instance_id NOT IN (SELECT "
            "instance_id FROM instances WHERE agent_id = ?1 ORDER BY updated DESC LIMIT ?2)")),
        endpoint(db.Prepare(
            "INSERT INTO agent_endpoints(agent_id, id, service, method, path, state, deprecated, "
            "removed, secured, operation_id, spec, codec_version, stats, k8s) VALUES(?1, ?2, ?3, "
            "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT(agent_id, id) DO UPDATE "
            "SET service=?3, method=?4, path=?5, state=?6, deprecated=?7, removed=?8, secured=?9, "
            "operation_id=?10, spec=?11, codec_version=?12, stats=?13, k8s=?14")),
        remove_endpoint(db.Prepare("DELETE FROM agent_endpoints WHERE agent_id = ?1 AND id = ?2")),
        clear_endpoints(db.Prepare("DELETE FROM agent_endpoints WHERE agent_id = ?1")),
        service(db.Prepare(
            "INSERT INTO agent_services(agent_id, name, kind, process, port, hosts, requests, "
            "first_seen, last_seen, specs, endpoints_dropped, k8s) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
            "?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT(agent_id, name) DO UPDATE SET kind=?3, "
            "process=?4, port=?5, hosts=?6, requests=?7, first_seen=?8, last_seen=?9, specs=?10, "
            "endpoints_dropped=?11, k8s=?12")),
        finding(db.Prepare(
            (std::string("INSERT INTO agent_findings(agent_id, ") + store::kFindingColumns +
             ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON "
             "CONFLICT(agent_id, id) DO UPDATE SET type=?3, severity=?4, owasp=?5, title=?6, "
             "description=?7, service=?8, endpoint=?9, caller=?10, first_seen=?11, "
             "last_seen=?12, count=?13, evidence=?14, k8s=?15, caller_k8s=?16")
                .c_str())) {
    static_assert(store::kFindingColumnCount == 15, "the finding statement names ?2 .. ?16");
  }

  store::Statement agent;
  store::Statement instance;
  store::Statement prune_instances;
  store::Statement endpoint;
  store::Statement remove_endpoint;
  store::Statement clear_endpoints;
  store::Statement service;
  store::Statement finding;
};

CollectorStore::CollectorStore(const std::string& path) : db_(UsablePath(path)) {
  try {
    db_.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  } catch (const std::exception&) {
    // SQLite opens lazily: a file that is not a database, or one it may not write, fails here.
    throw std::runtime_error("cannot use --db " + path + " as the collector's store (" +
                             sqlite3_errmsg(db_.handle()) +
                             "): give the path of a writable SQLite file, or --db '' to keep the "
                             "state in memory only.");
  }
  Migrate();
  statements_ = std::make_unique<Statements>(db_);
}

CollectorStore::~CollectorStore() = default;

void CollectorStore::Migrate() {
  const int version = db_.UserVersion();
  if (version > kCollectorSchemaVersion) {
    throw std::runtime_error(
        "the store " + db_.path() + " was written by a newer apisensor-collector (schema " +
        std::to_string(version) + ", this build knows " + std::to_string(kCollectorSchemaVersion) +
        "): upgrade the collector or point --db at another file.");
  }
  for (int v = version; v < kCollectorSchemaVersion; ++v) {
    db_.Exec("BEGIN IMMEDIATE");
    try {
      db_.Exec(kMigrations[static_cast<size_t>(v)]);
      db_.Exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
      db_.Exec("COMMIT");
    } catch (...) {
      RollbackQuietly(db_);
      throw;
    }
  }
}

void CollectorStore::Commit(const AgentInfo& info, const DecodedBatch& batch,
                            uint64_t now_unix_ns) {
  Statements& s = *statements_;
  const std::string& agent = info.agent_id;
  db_.Exec("BEGIN IMMEDIATE");
  try {
    const HeartbeatInfo& h = info.heartbeat;
    s.agent.Bind(1, agent)
        .Bind(2, info.node)
        .Bind(3, info.version)
        .Bind(4, I(info.instance_id))
        .Bind(5, I(info.last_sequence))
        .Bind(6, I(info.exchanges_received))
        .Bind(7, I(info.batches_stored))
        .Bind(8, I(info.last_batch_ns))
        .Bind(9, I(h.time_ns))
        .Bind(10, h.version)
        .Bind(11, I(h.batches_dropped))
        .Bind(12, I(h.items_dropped))
        .Bind(13, I(h.queued_batches))
        .Bind(14, EncodeCounters(h.counters))
        .Run();
    s.instance.Bind(1, agent)
        .Bind(2, I(info.instance_id))
        .Bind(3, I(info.last_sequence))
        .Bind(4, I(now_unix_ns))
        .Run();
    s.prune_instances.Bind(1, agent).Bind(2, int64_t{kInstancesPerAgent}).Run();
    if (batch.full_snapshot) s.clear_endpoints.Bind(1, agent).Run();
    for (const std::string& id : batch.removed_endpoint_ids) {
      s.remove_endpoint.Bind(1, agent).Bind(2, id).Run();
    }
    for (const AgentEndpoint& e : batch.endpoints) {
      const inventory::EndpointView& v = *e.view;
      s.endpoint.Bind(1, agent)
          .Bind(2, v.id)
          .Bind(3, v.service)
          .Bind(4, v.method)
          .Bind(5, v.path)
          .Bind(6, inventory::EndpointStateName(v.state))
          .Bind(7, int64_t{v.declared.deprecated})
          .Bind(8, int64_t{v.declared.removed})
          .Bind(9, int64_t{v.declared.secured})
          .Bind(10, v.declared.operation_id)
          .Bind(11, v.declared.spec)
          .Bind(12, int64_t{inventory::kEndpointCodecVersion})
          .Bind(13, e.stats_text)
          .Bind(14, k8s::WorkloadText(v.k8s))
          .Run();
    }
    for (const inventory::ServiceView& v : batch.services) {
      s.service.Bind(1, agent)
          .Bind(2, v.name)
          .Bind(3, inventory::ServiceKindName(v.kind))
          .Bind(4, v.process)
          .Bind(5, int64_t{v.port})
          .Bind(6, inventory::EncodeCountedNames(v.hosts))
          .Bind(7, I(v.requests))
          .Bind(8, I(v.first_seen_ns))
          .Bind(9, I(v.last_seen_ns))
          .Bind(10, EncodeStrings(v.specs))
          .Bind(11, I(v.endpoints_dropped))
          .Bind(12, k8s::WorkloadText(v.k8s))
          .Run();
    }
    for (const findings::Finding& f : batch.findings) {
      s.finding.Bind(1, agent);
      store::BindFinding(s.finding, 2, f);
      s.finding.Run();
    }
    db_.Exec("COMMIT");
  } catch (...) {
    // A statement that failed mid-step is still active; reset them all before rolling back.
    for (store::Statement* st : {&s.agent, &s.instance, &s.prune_instances, &s.endpoint,
                                 &s.remove_endpoint, &s.clear_endpoints, &s.service, &s.finding}) {
      st->Reset();
    }
    RollbackQuietly(db_);
    throw;
  }
}

CollectorStoredState CollectorStore::Load(const schema::SchemaLimits& limits) {
  CollectorStoredState state;
  std::map<std::string, size_t> index;  // agent id -> position in state.agents
  store::Statement a = db_.Prepare(
      "SELECT agent_id, node, version, instance_id, last_sequence, exchanges_received, "
      "batches_stored, last_batch, heartbeat_time, heartbeat_version, batches_dropped, "
      "items_dropped, queued_batches, counters FROM agents ORDER BY agent_id");
  while (a.Step()) {
    StoredAgent agent;
    AgentInfo& info = agent.info;
    info.agent_id = a.Text(0);
    info.node = a.Text(1);
    info.version = a.Text(2);
    info.instance_id = U(a.Int(3));
    info.last_sequence = U(a.Int(4));
    info.exchanges_received = U(a.Int(5));
    info.batches_stored = U(a.Int(6));
    info.last_batch_ns = U(a.Int(7));
    info.heartbeat.time_ns = U(a.Int(8));
    info.heartbeat.version = a.Text(9);
    info.heartbeat.batches_dropped = U(a.Int(10));
    info.heartbeat.items_dropped = U(a.Int(11));
    info.heartbeat.queued_batches = U(a.Int(12));
    if (!DecodeCounters(a.Text(13), info.heartbeat.counters)) {
      info.heartbeat.counters.clear();
      ++state.unreadable_rows;
    }
    agent.snapshot.full_snapshot = true;
    index.emplace(info.agent_id, state.agents.size());
    state.agents.push_back(std::move(agent));
  }
  // Rows of an agent with no agents row cannot be attributed: skipped, counted.
  auto owner = [&](std::string_view agent_id) -> DecodedBatch* {
    auto it = index.find(std::string(agent_id));
    if (it == index.end()) {
      ++state.unreadable_rows;
      return nullptr;
    }
    return &state.agents[it->second].snapshot;
  };

  store::Statement i =
      db_.Prepare("SELECT agent_id, instance_id, last_sequence FROM instances ORDER BY updated");
  while (i.Step()) {
    state.instances.push_back({std::string(i.Text(0)), U(i.Int(1)), U(i.Int(2))});
  }

  store::Statement e = db_.Prepare(
      "SELECT agent_id, id, service, method, path, state, deprecated, removed, secured, "
      "operation_id, spec, codec_version, stats, k8s FROM agent_endpoints");
  while (e.Step()) {
    DecodedBatch* batch = owner(e.Text(0));
    if (batch == nullptr) continue;
    auto view = std::make_shared<inventory::EndpointView>();
    view->id = e.Text(1);
    view->service = e.Text(2);
    view->method = e.Text(3);
    view->path = e.Text(4);
    view->declared.deprecated = e.Int(6) != 0;
    view->declared.removed = e.Int(7) != 0;
    view->declared.secured = e.Int(8) != 0;
    view->declared.operation_id = e.Text(9);
    view->declared.spec = e.Text(10);
    if (!inventory::EndpointStateFromName(e.Text(5), view->state) ||
        e.Int(11) != inventory::kEndpointCodecVersion ||
        !inventory::DecodeEndpointStats(e.Text(12), limits, view->stats) ||
        !k8s::ParseWorkloadText(e.Text(13), view->k8s)) {
      ++state.unreadable_rows;
      continue;
    }
    batch->endpoints.push_back(AgentEndpoint{std::move(view), std::string(e.Text(12))});
  }

  store::Statement s = db_.Prepare(
      "SELECT agent_id, name, kind, process, port, hosts, requests, first_seen, last_seen, specs, "
      "endpoints_dropped, k8s FROM agent_services");
  while (s.Step()) {
    DecodedBatch* batch = owner(s.Text(0));
    if (batch == nullptr) continue;
    inventory::ServiceView v;
    v.name = s.Text(1);
    v.kind = s.Text(2) == "external" ? inventory::ServiceKind::kExternal
                                     : inventory::ServiceKind::kLocal;
    v.process = s.Text(3);
    v.port = static_cast<uint16_t>(s.Int(4));
    v.requests = U(s.Int(6));
    v.first_seen_ns = U(s.Int(7));
    v.last_seen_ns = U(s.Int(8));
    v.endpoints_dropped = U(s.Int(10));
    if (!inventory::DecodeCountedNames(s.Text(5), v.hosts) || !DecodeStrings(s.Text(9), v.specs) ||
        !k8s::ParseWorkloadText(s.Text(11), v.k8s)) {
      ++state.unreadable_rows;
      continue;
    }
    batch->services.push_back(std::move(v));
  }

  store::Statement f = db_.Prepare(
      (std::string("SELECT agent_id, ") + store::kFindingColumns + " FROM agent_findings").c_str());
  while (f.Step()) {
    DecodedBatch* batch = owner(f.Text(0));
    if (batch == nullptr) continue;
    findings::Finding finding;
    if (!store::ReadFinding(f, 1, finding)) {
      ++state.unreadable_rows;
      continue;
    }
    batch->findings.push_back(std::move(finding));
  }
  return state;
}

}  // namespace apisensor::collector
