#include "collector/collector.h"

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <filesystem>

#include "agent/api/inventory_json.h"
#include "collector/batch_decoder.h"

namespace apisensor::collector {
namespace {

uint64_t WallClockNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

// The store's directory, created private when missing, so the default /var/lib/apisensor works
// on a fresh host.
void EnsureParentDirectory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty() || std::filesystem::exists(parent)) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (!ec) ::chmod(parent.c_str(), 0700);
}

std::string Clip(const std::string& s) { return s.substr(0, kMaxIdBytes); }

}  // namespace

Collector::Collector(const CollectorOptions& options, exporters::ExportHub* hub)
    : options_(options),
      hub_(hub),
      hub_wants_exchanges_(hub != nullptr && hub->wants_exchanges()),
      state_(options.limits),
      findings_(options.limits.max_findings) {
  if (options.db_path.empty()) {
    notes_.push_back("collector state kept in memory only (--db '')");
    return;
  }
  EnsureParentDirectory(options.db_path);
  store_ = std::make_unique<CollectorStore>(options.db_path);
  CollectorStoredState stored = store_->Load(options.schema);
  std::string note = "collector store " + options.db_path + ": restored " +
                     std::to_string(stored.agents.size()) + " agents";
  if (stored.unreadable_rows > 0) {
    note += " (" + std::to_string(stored.unreadable_rows) + " unreadable rows skipped)";
  }
  notes_.push_back(std::move(note));
  Restore(std::move(stored));
}

void Collector::Restore(CollectorStoredState stored) {
  unreadable_rows_ = stored.unreadable_rows;
  for (const StoredInstance& i : stored.instances) {  // oldest first, as SetLastSequence expects
    SetLastSequence(i.agent_id, i.instance_id, i.last_sequence);
  }
  for (StoredAgent& agent : stored.agents) {
    if (!state_.AddAgent(agent.info)) {
      ++capped_items_;
      continue;
    }
    state_.Trim(agent.snapshot);
    capped_items_ += agent.snapshot.capped;
    state_.Apply(agent.info, agent.snapshot);
  }
  // The restored view goes straight to the API; the sinks are not told: they were sent these
  // findings before the restart, and only what changes from now on is news to them.
  ClusterPublish restored = state_.Publish(WallClockNs());
  for (const findings::Finding& f : restored.changed_findings) findings_.Restore(f);
  if (restored.view) inventory_board_.Publish(restored.view);
}

uint64_t Collector::LastSequence(const std::string& agent_id, uint64_t instance_id) const {
  auto it = sequences_.find(agent_id);
  if (it == sequences_.end()) return 0;
  for (const InstanceSequence& s : it->second) {
    if (s.instance_id == instance_id) return s.last_sequence;
  }
  return 0;
}

void Collector::SetLastSequence(const std::string& agent_id, uint64_t instance_id,
                                uint64_t sequence) {
  std::vector<InstanceSequence>& instances = sequences_[agent_id];
  std::erase_if(instances, [&](const InstanceSequence& s) { return s.instance_id == instance_id; });
  instances.push_back({instance_id, sequence});
  if (instances.size() > static_cast<size_t>(kInstancesPerAgent)) {
    instances.erase(instances.begin());
  }
}

HelloResult Collector::Hello(const v1::Hello& hello) {
  HelloResult result;
  if (hello.agent_id().empty() || hello.agent_id().size() > kMaxIdBytes) {
    result.outcome = HelloOutcome::kInvalid;
    result.message = "Hello.agent_id must be 1 to " + std::to_string(kMaxIdBytes) + " bytes";
    return result;
  }
  if (hello.instance_id() == 0) {
    result.outcome = HelloOutcome::kInvalid;
    result.message = "Hello.instance_id must be a random non-zero number chosen per agent process";
    return result;
  }
  std::lock_guard lock(mu_);
  AgentInfo info;
  if (const AgentInfo* known = state_.FindAgent(hello.agent_id())) info = *known;
  info.agent_id = hello.agent_id();
  info.node = Clip(hello.node());
  info.version = Clip(hello.version());
  if (info.instance_id != hello.instance_id()) {
    info.instance_id = hello.instance_id();
    info.last_sequence = LastSequence(info.agent_id, info.instance_id);
  }
  if (!state_.AddAgent(info)) {
    result.outcome = HelloOutcome::kTooManyAgents;
    result.message = "this collector already tracks its maximum of " +
                     std::to_string(options_.limits.max_agents) + " agents";
    return result;
  }
  state_.Connected(info.agent_id);
  result.last_stored_sequence = LastSequence(info.agent_id, hello.instance_id());
  return result;
}

void Collector::Goodbye(const std::string& agent_id) {
  std::lock_guard lock(mu_);
  state_.Disconnected(agent_id);
}

BatchOutcome Collector::Apply(const std::string& agent_id, uint64_t instance_id,
                              const v1::Batch& batch, std::string& error) {
  // Decoding (the endpoints' JSON) needs no lock: only ordering and storing do.
  DecodedBatch decoded = DecodeBatch(batch, {options_.schema, hub_wants_exchanges_});
  std::vector<exporters::ExportItemPtr> exchanges = std::move(decoded.exchanges);
  {
    std::lock_guard lock(mu_);
    const uint64_t last = LastSequence(agent_id, instance_id);
    if (decoded.sequence <= last) {
      ++batches_duplicate_;
      return BatchOutcome::kDuplicate;
    }
    state_.Trim(decoded);
    AgentInfo info;
    if (const AgentInfo* known = state_.FindAgent(agent_id)) info = *known;
    info.agent_id = agent_id;
    info.instance_id = instance_id;
    info.last_sequence = decoded.sequence;
    info.exchanges_received += decoded.exchange_count;
    ++info.batches_stored;
    info.last_batch_ns = WallClockNs();
    if (decoded.heartbeat) info.heartbeat = *decoded.heartbeat;
    if (store_) {
      try {
        store_->Commit(info, decoded, info.last_batch_ns);
      } catch (const std::exception& e) {
        ++store_errors_;
        error = e.what();
        return BatchOutcome::kFailed;
      }
    }
    state_.Apply(info, decoded);
    SetLastSequence(agent_id, instance_id, decoded.sequence);
    // A jump means the agent dropped batches while it could not reach us (its heartbeat says
    // how many): accepted, and counted here too.
    if (decoded.sequence != last + 1) ++sequence_gaps_;
  }
  ++batches_stored_;
  exchanges_received_ += decoded.exchange_count;
  codec_refused_ += decoded.codec_refused;
  malformed_items_ += decoded.malformed;
  capped_items_ += decoded.capped;
  if (!exchanges.empty()) {
    for (const auto& runner : hub_->runners()) runner->Offer(exchanges);
  }
  return BatchOutcome::kStored;
}

void Collector::Publish(uint64_t now_unix_ns) {
  ClusterPublish published;
  {
    std::lock_guard lock(mu_);
    published = state_.Publish(now_unix_ns);
  }
  for (const findings::Finding& f : published.changed_findings) findings_.Restore(f);
  if (published.view) inventory_board_.Publish(published.view);
  if (hub_ != nullptr) {
    const auto view = inventory_board_.Latest();
    hub_->OnPublish(inventory::Published{*view, published.changed_endpoints,
                                         published.removed_endpoint_ids, published.changed_findings,
                                         now_unix_ns});
  }
  std::vector<metrics::Counter> counters = Counters();
  std::string status = metrics::RenderStatusJson(counters, {});
  counter_board_.Publish(std::move(counters), std::move(status));
}

std::vector<metrics::Counter> Collector::Counters() const {
  size_t agents = 0, connected = 0, endpoints = 0, findings = 0;
  {
    std::lock_guard lock(mu_);
    agents = state_.agent_count();
    connected = state_.connected_agents();
    endpoints = state_.endpoint_count();
    findings = state_.finding_count();
  }
  std::vector<metrics::Counter> out = {
      {"collector_streams_opened", "Agent streams accepted (Hello welcomed)", streams_.opened},
      {"collector_streams_active", "Agent streams open now", streams_.active, true},
      {"collector_streams_unauthenticated", "Streams refused: missing or wrong bearer token",
       streams_.unauthenticated},
      {"collector_streams_invalid", "Streams closed for a protocol error (no Hello first, bad id)",
       streams_.invalid},
      {"collector_streams_over_capacity", "Streams refused: too many streams or agents",
       streams_.over_capacity},
      {"collector_streams_timed_out", "Streams ended: no Hello in time, or silent too long",
       streams_.timed_out},
      {"collector_batches_applied", "Batches stored and merged", batches_stored_},
      {"collector_batches_duplicate", "Batches skipped: sequence already stored (re-acked)",
       batches_duplicate_},
      {"collector_sequence_gaps", "Batches whose sequence jumped (the agent dropped batches)",
       sequence_gaps_},
      {"collector_decode_errors", "Endpoints refused: unknown or unreadable stats codec",
       codec_refused_},
      {"collector_malformed_items", "Items refused: missing id or oversized field",
       malformed_items_},
      {"collector_capped_items", "New endpoints, services, findings or agents beyond the caps",
       capped_items_},
      {"collector_store_errors", "Batches that could not be stored (not acked; the agent resends)",
       store_errors_},
      {"collector_store_unreadable_rows", "Stored rows skipped at start (unreadable)",
       unreadable_rows_},
      {"collector_exchanges_received", "Exchange summaries received from agents",
       exchanges_received_},
      {"collector_agents", "Agents known", agents, true},
      {"collector_agents_connected", "Agents with an open stream", connected, true},
      {"collector_endpoints", "Distinct endpoints in the cluster view", endpoints, true},
      {"collector_findings", "Distinct findings in the cluster view", findings, true},
  };
  if (hub_ != nullptr) {
    for (metrics::Counter& c : hub_->Counters()) out.push_back(std::move(c));
  }
  return out;
}

std::string Collector::AgentsJson() const {
  std::vector<AgentStatus> agents;
  {
    std::lock_guard lock(mu_);
    agents = state_.Agents();
  }
  rapidjson::StringBuffer buffer;
  api::JsonWriter w(buffer);
  auto number = [&w](const char* key, uint64_t value) {
    w.Key(key);
    w.Uint64(value);
  };
  w.StartObject();
  w.Key("agents");
  w.StartArray();
  for (const AgentStatus& a : agents) {
    const AgentInfo& i = a.info;
    w.StartObject();
    w.Key("agent_id");
    api::WriteString(w, i.agent_id);
    w.Key("node");
    api::WriteString(w, i.node);
    // The latest Hello's: a heartbeat may predate the agent's upgrade.
    w.Key("version");
    api::WriteString(w, i.version.empty() ? i.heartbeat.version : i.version);
    // Random 64-bit: as text, since JSON readers lose integers beyond 2^53.
    w.Key("instance");
    api::WriteString(w, std::to_string(i.instance_id));
    w.Key("connected");
    w.Bool(a.connections > 0);
    w.Key("last_heartbeat");
    api::WriteTime(w, i.heartbeat.time_ns);
    w.Key("last_batch");
    api::WriteTime(w, i.last_batch_ns);
    number("last_sequence", i.last_sequence);
    number("batches_stored", i.batches_stored);
    number("exchanges_received", i.exchanges_received);
    number("batches_dropped", i.heartbeat.batches_dropped);
    number("items_dropped", i.heartbeat.items_dropped);
    number("queued_batches", i.heartbeat.queued_batches);
    number("endpoints", a.endpoints);
    number("findings", a.findings);
    w.Key("counters");
    w.StartObject();
    for (const AgentCounter& c : i.heartbeat.counters) {
      api::WriteString(w, c.labels.empty() ? c.name : c.name + "{" + c.labels + "}");
      w.Uint64(c.value);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  number("total", agents.size());
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace apisensor::collector
