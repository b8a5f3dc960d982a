#include "agent/store/inventory_store.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <stdexcept>

#include "agent/inventory/endpoint_codec.h"
#include "agent/store/finding_columns.h"

namespace apisensor::store {
namespace {

// Each entry moves the schema from version i to i + 1. Never edit a shipped entry: add one.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE services (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  process TEXT NOT NULL,
  port INTEGER NOT NULL,
  hosts TEXT NOT NULL,
  requests INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  endpoints_dropped INTEGER NOT NULL
);
CREATE TABLE endpoints (
  id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  state TEXT NOT NULL,
  declared TEXT NOT NULL,
  requests INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  stats TEXT NOT NULL
);
CREATE INDEX endpoints_by_service ON endpoints(service);
CREATE TABLE findings (
  id TEXT PRIMARY KEY,
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
  evidence TEXT NOT NULL
);
)sql",
    // Kubernetes workloads (k8s::WorkloadText): the service's, and a finding's two sides.
    R"sql(
ALTER TABLE services ADD COLUMN k8s TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN k8s TEXT NOT NULL DEFAULT '';
ALTER TABLE findings ADD COLUMN caller_k8s TEXT NOT NULL DEFAULT '';
)sql",
};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string EncodeDeclared(const inventory::DeclaredInfo& d) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("deprecated");
  w.Bool(d.deprecated);
  w.Key("removed");
  w.Bool(d.removed);
  w.Key("secured");
  w.Bool(d.secured);
  w.Key("operation_id");
  w.String(d.operation_id.c_str());
  w.Key("spec");
  w.String(d.spec.c_str());
  w.EndObject();
  return buffer.GetString();
}

bool DecodeDeclared(std::string_view text, inventory::DeclaredInfo& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto flag = [&](const char* key, bool& v) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsBool()) return false;
    v = it->value.GetBool();
    return true;
  };
  auto text_of = [&](const char* key, std::string& v) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return false;
    v.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  return flag("deprecated", out.deprecated) && flag("removed", out.removed) &&
         flag("secured", out.secured) && text_of("operation_id", out.operation_id) &&
         text_of("spec", out.spec);
}

int64_t AsInt(uint64_t v) { return static_cast<int64_t>(v); }

}  // namespace

InventoryStore::InventoryStore(const std::string& path) : db_(path) {
  db_.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  Migrate();
}

void InventoryStore::Migrate() {
  const int version = db_.UserVersion();
  if (version > kSchemaVersion) {
    throw std::runtime_error(
        "the store " + db_.path() + " was written by a newer apisensor (schema " +
        std::to_string(version) + ", this build knows " + std::to_string(kSchemaVersion) +
        "): upgrade apisensor or point --db at another file.");
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    db_.Exec("BEGIN IMMEDIATE");
    try {
      db_.Exec(kMigrations[static_cast<size_t>(v)]);
      db_.Exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
      db_.Exec("COMMIT");
    } catch (...) {
      db_.Exec("ROLLBACK");
      throw;
    }
  }
}

void InventoryStore::Write(const StoreBatch& batch) {
  if (batch.empty()) return;
  db_.Exec("BEGIN IMMEDIATE");
  try {
    Statement service = db_.Prepare(
        "INSERT INTO services(name, kind, process, port, hosts, requests, first_seen, last_seen, "
        "endpoints_dropped, k8s) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(name) "
        "DO UPDATE SET kind=?2, process=?3, port=?4, hosts=?5, requests=?6, first_seen=?7, "
        "last_seen=?8, endpoints_dropped=?9, k8s=?10");
    for (const inventory::ServiceView& s : batch.services) {
      service.Bind(1, s.name)
          .Bind(2, inventory::ServiceKindName(s.kind))
          .Bind(3, s.process)
          .Bind(4, int64_t{s.port})
          .Bind(5, inventory::EncodeCountedNames(s.hosts))
          .Bind(6, AsInt(s.requests))
          .Bind(7, AsInt(s.first_seen_ns))
          .Bind(8, AsInt(s.last_seen_ns))
          .Bind(9, AsInt(s.endpoints_dropped))
          .Bind(10, k8s::WorkloadText(s.k8s))
          .Run();
    }
    Statement endpoint = db_.Prepare(
        "INSERT INTO endpoints(id, service, method, path, state, declared, requests, first_seen, "
        "last_seen, stats) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO "
        "UPDATE SET service=?2, method=?3, path=?4, state=?5, declared=?6, requests=?7, "
        "first_seen=?8, last_seen=?9, stats=?10");
    for (const auto& e : batch.endpoints) {
      if (e->state == inventory::EndpointState::kUnused) continue;  // derived from the specs
      endpoint.Bind(1, e->id)
          .Bind(2, e->service)
          .Bind(3, e->method)
          .Bind(4, e->path)
          .Bind(5, inventory::EndpointStateName(e->state))
          .Bind(6, EncodeDeclared(e->declared))
          .Bind(7, AsInt(e->stats.requests))
          .Bind(8, AsInt(e->stats.first_seen_ns))
          .Bind(9, AsInt(e->stats.last_seen_ns))
          .Bind(10, inventory::EncodeEndpointStats(e->stats))
          .Run();
    }
    Statement remove = db_.Prepare("DELETE FROM endpoints WHERE id = ?1");
    for (const std::string& id : batch.removed_endpoint_ids) remove.Bind(1, id).Run();
    static_assert(kFindingColumnCount == 15, "the statement below names ?1 .. ?15");
    Statement finding = db_.Prepare(
        (std::string("INSERT INTO findings(") + kFindingColumns +
         ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON "
         "CONFLICT(id) DO UPDATE SET severity=?3, title=?5, description=?6, first_seen=?10, "
         "last_seen=?11, count=?12, evidence=?13, k8s=?14, caller_k8s=?15")
            .c_str());
    for (const findings::Finding& f : batch.findings) {
      BindFinding(finding, 1, f);
      finding.Run();
    }
    db_.Exec("COMMIT");
  } catch (...) {
    db_.Exec("ROLLBACK");
    throw;
  }
}

StoredState InventoryStore::Load(const schema::SchemaLimits& limits) {
  StoredState state;
  std::unordered_map<std::string, inventory::ServiceView> services;
  Statement s = db_.Prepare(
      "SELECT name, kind, process, port, hosts, requests, first_seen, last_seen, "
      "endpoints_dropped, k8s FROM services");
  while (s.Step()) {
    inventory::ServiceView v;
    v.name = s.Text(0);
    v.kind = s.Text(1) == "external" ? inventory::ServiceKind::kExternal
                                     : inventory::ServiceKind::kLocal;
    v.process = s.Text(2);
    v.port = static_cast<uint16_t>(s.Int(3));
    if (!inventory::DecodeCountedNames(s.Text(4), v.hosts)) ++state.unreadable_rows;
    v.endpoints_dropped = static_cast<uint64_t>(s.Int(8));
    if (!k8s::ParseWorkloadText(s.Text(9), v.k8s)) ++state.unreadable_rows;
    services.emplace(v.name, std::move(v));
  }
  Statement e = db_.Prepare(
      "SELECT service, method, path, state, declared, stats FROM endpoints ORDER BY service, "
      "path, method");
  while (e.Step()) {
    inventory::RestoredEndpoint r;
    const std::string service_name(e.Text(0));
    if (auto it = services.find(service_name); it != services.end()) {
      r.service = it->second;
    } else {
      r.service.name = service_name;
    }
    r.endpoint.service = service_name;
    r.endpoint.method = e.Text(1);
    r.endpoint.path = e.Text(2);
    if (!inventory::EndpointStateFromName(e.Text(3), r.endpoint.state) ||
        !DecodeDeclared(e.Text(4), r.endpoint.declared) ||
        !inventory::DecodeEndpointStats(e.Text(5), limits, r.endpoint.stats)) {
      ++state.unreadable_rows;
      continue;
    }
    state.endpoints.push_back(std::move(r));
  }
  Statement f = db_.Prepare((std::string("SELECT ") + kFindingColumns + " FROM findings").c_str());
  while (f.Step()) {
    findings::Finding finding;
    if (!ReadFinding(f, 0, finding)) {
      ++state.unreadable_rows;
      continue;
    }
    state.findings.push_back(std::move(finding));
  }
  return state;
}

}  // namespace apisensor::store
