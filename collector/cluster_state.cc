#include "collector/cluster_state.h"

#include <algorithm>
#include <utility>

namespace apisensor::collector {
namespace {

using inventory::EndpointState;

bool SameFinding(const findings::Finding& a, const findings::Finding& b) {
  return a.count == b.count && a.first_seen_ns == b.first_seen_ns &&
         a.last_seen_ns == b.last_seen_ns && a.severity == b.severity && a.type == b.type &&
         a.title == b.title && a.description == b.description && a.service == b.service &&
         a.endpoint == b.endpoint && a.caller == b.caller && a.owasp == b.owasp &&
         a.evidence == b.evidence && a.k8s == b.k8s && a.caller_k8s == b.caller_k8s;
}

uint64_t EarliestNonZero(uint64_t a, uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

// Nodes may disagree on an endpoint's state: the one that has the spec knows it is declared, one
// without it calls it shadow; a node that never saw it calls it unused while another serves it.
// The cluster's state is what all of them know together.
EndpointState MergedState(bool zombie, bool declared, bool unused, bool observed,
                          const inventory::DeclaredInfo& info) {
  if (zombie) return EndpointState::kZombie;
  if (declared) return EndpointState::kDeclared;
  if (unused) {
    if (!observed) return EndpointState::kUnused;
    return info.deprecated || info.removed ? EndpointState::kZombie : EndpointState::kDeclared;
  }
  return EndpointState::kShadow;
}

// Which agent's declared info to trust: one that has the spec, the most specific state first.
int DeclaredRank(EndpointState state) {
  switch (state) {
    case EndpointState::kZombie:
      return 3;
    case EndpointState::kDeclared:
      return 2;
    case EndpointState::kUnused:
      return 1;
    case EndpointState::kShadow:
      break;
  }
  return 0;
}

// The agents' inventory counters (from their heartbeats) that /v1/services reports, summed.
struct StatField {
  std::string_view name;
  uint64_t inventory::InventoryStats::*field;
};
constexpr StatField kStatFields[] = {
    {"inventory_exchanges_observed", &inventory::InventoryStats::exchanges_observed},
    {"inventory_exchanges_unattributed", &inventory::InventoryStats::exchanges_unattributed},
    {"inventory_services_dropped", &inventory::InventoryStats::services_dropped},
    {"inventory_endpoints_dropped", &inventory::InventoryStats::endpoints_dropped},
    {"inventory_endpoints_rekeyed", &inventory::InventoryStats::endpoints_rekeyed},
    {"inventory_findings_reported", &inventory::InventoryStats::findings_reported},
};

}  // namespace

bool ClusterState::AddAgent(const AgentInfo& info) {
  auto it = agents_.find(info.agent_id);
  if (it == agents_.end()) {
    if (agents_.size() >= limits_.max_agents) return false;
    it = agents_.emplace(info.agent_id, AgentState{}).first;
  }
  it->second.info = info;
  view_dirty_ = true;
  return true;
}

const AgentInfo* ClusterState::FindAgent(const std::string& agent_id) const {
  auto it = agents_.find(agent_id);
  return it == agents_.end() ? nullptr : &it->second.info;
}

void ClusterState::Connected(const std::string& agent_id) {
  if (auto it = agents_.find(agent_id); it != agents_.end()) ++it->second.connections;
}

void ClusterState::Disconnected(const std::string& agent_id) {
  if (auto it = agents_.find(agent_id); it != agents_.end() && it->second.connections > 0) {
    --it->second.connections;
  }
}

size_t ClusterState::connected_agents() const {
  return static_cast<size_t>(std::count_if(agents_.begin(), agents_.end(),
                                           [](const auto& a) { return a.second.connections > 0; }));
}

void ClusterState::Trim(DecodedBatch& batch) const {
  // New ids are counted as they are admitted, so one batch cannot overshoot a cap either.
  std::unordered_set<std::string> admitted;
  auto admit = [&](const auto& known, const std::string& id, size_t cap) {
    if (known.contains(id) || admitted.contains(id)) return true;
    if (known.size() + admitted.size() >= cap) {
      ++batch.capped;
      return false;
    }
    admitted.insert(id);
    return true;
  };
  std::erase_if(batch.endpoints, [&](const AgentEndpoint& e) {
    return !admit(endpoint_agents_, e.view->id, limits_.max_endpoints);
  });
  admitted.clear();
  std::erase_if(batch.services, [&](const inventory::ServiceView& s) {
    return !admit(service_names_, s.name, limits_.max_services);
  });
  admitted.clear();
  std::erase_if(batch.findings, [&](const findings::Finding& f) {
    return !admit(finding_agents_, f.id, limits_.max_findings);
  });
}

void ClusterState::RemoveEndpoint(AgentState& agent, const std::string& id) {
  if (agent.endpoints.erase(id) == 0) return;
  auto it = endpoint_agents_.find(id);
  if (it != endpoint_agents_.end()) {
    it->second.erase(agent.info.agent_id);
    if (it->second.empty()) endpoint_agents_.erase(it);
  }
  dirty_endpoints_.insert(id);
}

void ClusterState::Apply(const AgentInfo& info, const DecodedBatch& batch) {
  AgentState& agent = agents_[info.agent_id];
  agent.info = info;
  // The view holds the agents' inventory counters (heartbeats), services and endpoints.
  if (batch.heartbeat || !batch.services.empty() || !batch.endpoints.empty() ||
      !batch.removed_endpoint_ids.empty() || batch.full_snapshot) {
    view_dirty_ = true;
  }
  if (batch.full_snapshot) {
    std::unordered_set<std::string> kept;
    for (const AgentEndpoint& e : batch.endpoints) kept.insert(e.view->id);
    std::vector<std::string> gone;
    for (const auto& [id, e] : agent.endpoints) {
      if (!kept.contains(id)) gone.push_back(id);
    }
    for (const std::string& id : gone) RemoveEndpoint(agent, id);
  }
  for (const std::string& id : batch.removed_endpoint_ids) RemoveEndpoint(agent, id);
  for (const AgentEndpoint& e : batch.endpoints) {
    agent.endpoints[e.view->id] = e;
    endpoint_agents_[e.view->id].insert(info.agent_id);
    dirty_endpoints_.insert(e.view->id);
  }
  for (const inventory::ServiceView& s : batch.services) {
    auto [service, added] = agent.services.insert_or_assign(s.name, s);
    if (added) ++service_names_[s.name];
  }
  for (const findings::Finding& f : batch.findings) {
    agent.findings[f.id] = f;
    finding_agents_[f.id].insert(info.agent_id);
    dirty_findings_.insert(f.id);
  }
}

std::shared_ptr<const inventory::EndpointView> ClusterState::MergeEndpoint(
    const std::set<std::string>& agent_ids, const std::string& id) const {
  auto merged = std::make_shared<inventory::EndpointView>();
  bool zombie = false, declared = false, unused = false, observed = false, first = true;
  int declared_rank = -1;
  for (const std::string& agent_id : agent_ids) {
    const AgentEndpoint& e = agents_.at(agent_id).endpoints.at(id);
    const inventory::EndpointView& v = *e.view;
    if (first) {
      merged->id = v.id;
      merged->service = v.service;
      merged->method = v.method;
      merged->path = v.path;
      merged->stats = v.stats;
      first = false;
    } else {
      merged->stats.Merge(v.stats);
    }
    if (!merged->k8s.known()) merged->k8s = v.k8s;
    zombie |= v.state == EndpointState::kZombie;
    declared |= v.state == EndpointState::kDeclared;
    unused |= v.state == EndpointState::kUnused;
    observed |= v.state == EndpointState::kShadow;
    if (DeclaredRank(v.state) > declared_rank) {
      declared_rank = DeclaredRank(v.state);
      merged->declared = v.declared;
    }
  }
  merged->state = MergedState(zombie, declared, unused, observed, merged->declared);
  if (merged->state == EndpointState::kShadow) merged->declared = {};
  return merged;
}

findings::Finding ClusterState::MergeFinding(const std::set<std::string>& agent_ids,
                                             const std::string& id) const {
  const findings::Finding* latest = nullptr;
  uint64_t count = 0, first_seen = 0, last_seen = 0;
  for (const std::string& agent_id : agent_ids) {
    const findings::Finding& f = agents_.at(agent_id).findings.at(id);
    count += f.count;
    first_seen = EarliestNonZero(first_seen, f.first_seen_ns);
    last_seen = std::max(last_seen, f.last_seen_ns);
    if (latest == nullptr || f.last_seen_ns > latest->last_seen_ns) latest = &f;
  }
  findings::Finding merged = *latest;
  merged.count = count;
  merged.first_seen_ns = first_seen;
  merged.last_seen_ns = last_seen;
  return merged;
}

std::vector<inventory::ServiceView> ClusterState::MergeServices(
    const inventory::InventoryView& view) const {
  std::map<std::string, inventory::ServiceView> merged;
  std::map<std::string, uint64_t> latest;  // last_seen of the agent whose identity is used
  for (const auto& [agent_id, agent] : agents_) {
    for (const auto& [name, s] : agent.services) {
      auto [it, is_new] = merged.try_emplace(name);
      inventory::ServiceView& m = it->second;
      if (is_new || s.last_seen_ns > latest[name]) {
        m.name = s.name;
        m.kind = s.kind;
        m.process = s.process;
        m.port = s.port;
        latest[name] = s.last_seen_ns;
      }
      if (!m.k8s.known()) m.k8s = s.k8s;
      m.hosts.Merge(s.hosts);
      m.requests += s.requests;
      m.endpoints_dropped += s.endpoints_dropped;
      m.first_seen_ns = EarliestNonZero(m.first_seen_ns, s.first_seen_ns);
      m.last_seen_ns = std::max(m.last_seen_ns, s.last_seen_ns);
      for (const std::string& spec : s.specs) {
        if (std::find(m.specs.begin(), m.specs.end(), spec) == m.specs.end()) {
          m.specs.push_back(spec);
        }
      }
    }
  }
  // A service known only through its endpoints (its agent sent no service row) is still listed.
  for (const auto& e : view.endpoints) {
    auto [it, is_new] = merged.try_emplace(e->service);
    if (is_new) {
      it->second.name = e->service;
      it->second.k8s = e->k8s;
    }
    if (e->state != EndpointState::kUnused) ++it->second.endpoints;
  }
  std::vector<inventory::ServiceView> out;
  out.reserve(merged.size());
  for (auto& [name, s] : merged) {
    std::sort(s.specs.begin(), s.specs.end());
    out.push_back(std::move(s));
  }
  return out;
}

inventory::InventoryStats ClusterState::SumAgentStats() const {
  inventory::InventoryStats stats;
  for (const auto& [id, agent] : agents_) {
    for (const AgentCounter& c : agent.info.heartbeat.counters) {
      std::string_view name = c.name;
      if (name.starts_with("apisensor_")) name.remove_prefix(10);
      for (const StatField& f : kStatFields) {
        if (f.name == name) stats.*f.field += c.value;
      }
    }
  }
  return stats;
}

ClusterPublish ClusterState::Publish(uint64_t now_unix_ns) {
  ClusterPublish out;
  if (!dirty_endpoints_.empty()) view_dirty_ = true;
  for (const std::string& id : dirty_endpoints_) {
    auto it = endpoint_agents_.find(id);
    if (it == endpoint_agents_.end()) {
      if (merged_.erase(id) > 0) out.removed_endpoint_ids.push_back(id);
      continue;
    }
    auto merged = MergeEndpoint(it->second, id);
    merged_[id] = merged;
    out.changed_endpoints.push_back(std::move(merged));
  }
  dirty_endpoints_.clear();
  for (const std::string& id : dirty_findings_) {
    findings::Finding merged = MergeFinding(finding_agents_.at(id), id);
    auto [it, is_new] = merged_findings_.try_emplace(id, merged);
    if (!is_new) {
      if (SameFinding(it->second, merged)) continue;
      it->second = merged;
    }
    out.changed_findings.push_back(std::move(merged));
  }
  dirty_findings_.clear();
  if (!view_dirty_) return out;

  auto view = std::make_shared<inventory::InventoryView>();
  view->published_ns = now_unix_ns;
  view->endpoints.reserve(merged_.size());
  uint64_t memory = 0;
  for (const auto& [id, e] : merged_) {
    view->endpoints.push_back(e);
    memory += e->stats.MemoryBytes();
  }
  for (const auto& [id, agent] : agents_) {
    for (const auto& [eid, e] : agent.endpoints) {
      memory += e.view->stats.MemoryBytes() + e.stats_text.capacity();
    }
  }
  std::sort(view->endpoints.begin(), view->endpoints.end(), [](const auto& a, const auto& b) {
    if (a->service != b->service) return a->service < b->service;
    if (a->path != b->path) return a->path < b->path;
    return a->method < b->method;
  });
  view->services = MergeServices(*view);
  view->stats = SumAgentStats();
  view->memory_bytes = memory;
  out.view = std::move(view);
  view_dirty_ = false;
  return out;
}

std::vector<AgentStatus> ClusterState::Agents() const {
  std::vector<AgentStatus> out;
  out.reserve(agents_.size());
  for (const auto& [id, agent] : agents_) {
    out.push_back({agent.info, agent.connections, agent.endpoints.size(), agent.findings.size()});
  }
  return out;
}

}  // namespace apisensor::collector
