// The cluster-wide picture: each agent's latest snapshot of endpoints, services and findings, and
// the merge of all agents into one inventory. The same endpoint (same id: the hash of service,
// method and path) seen on several nodes is one endpoint whose figures are the merge of every
// node's; one finding id is one finding whose count is the sum of every node's count. Merges are
// recomputed only for what changed, at Publish(). Not thread-safe: the Collector serialises.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "collector/agent_data.h"

namespace apisensor::collector {

// Caps on what the cluster holds; beyond them new ids are left out and counted (existing ones
// keep updating).
struct ClusterLimits {
  size_t max_agents = 4096;
  size_t max_endpoints = 200000;  // distinct endpoint ids
  size_t max_services = 20000;    // distinct service names
  size_t max_findings = 50000;    // distinct finding ids
};

struct ClusterPublish {
  // Null when nothing changed since the previous publish.
  std::shared_ptr<const inventory::InventoryView> view;
  std::vector<std::shared_ptr<const inventory::EndpointView>> changed_endpoints;
  std::vector<std::string> removed_endpoint_ids;
  std::vector<findings::Finding> changed_findings;  // merged, new or different
};

struct AgentStatus {
  AgentInfo info;
  uint32_t connections = 0;  // open streams now
  size_t endpoints = 0;
  size_t findings = 0;
};

class ClusterState {
 public:
  explicit ClusterState(ClusterLimits limits = {}) : limits_(limits) {}

  // Records who an agent is (from its Hello, or from the store at start). False when it is a new
  // agent and max_agents are already known.
  bool AddAgent(const AgentInfo& info);
  const AgentInfo* FindAgent(const std::string& agent_id) const;
  void Connected(const std::string& agent_id);
  void Disconnected(const std::string& agent_id);

  // Leaves out of `batch` the new ids beyond the caps, counting them in batch.capped.
  void Trim(DecodedBatch& batch) const;
  // Takes in a batch of the agent `info` names (already stored) and its updated info.
  void Apply(const AgentInfo& info, const DecodedBatch& batch);

  // Merges again what changed. The view is rebuilt only when endpoints, services or the agents'
  // counters changed.
  ClusterPublish Publish(uint64_t now_unix_ns);

  std::vector<AgentStatus> Agents() const;  // sorted by agent id
  size_t agent_count() const { return agents_.size(); }
  size_t connected_agents() const;
  size_t endpoint_count() const { return endpoint_agents_.size(); }
  size_t finding_count() const { return finding_agents_.size(); }

 private:
  struct AgentState {
    AgentInfo info;
    uint32_t connections = 0;
    std::unordered_map<std::string, AgentEndpoint> endpoints;          // by endpoint id
    std::unordered_map<std::string, inventory::ServiceView> services;  // by name
    std::unordered_map<std::string, findings::Finding> findings;       // by finding id
  };

  void RemoveEndpoint(AgentState& agent, const std::string& id);
  std::shared_ptr<const inventory::EndpointView> MergeEndpoint(
      const std::set<std::string>& agent_ids, const std::string& id) const;
  findings::Finding MergeFinding(const std::set<std::string>& agent_ids,
                                 const std::string& id) const;
  std::vector<inventory::ServiceView> MergeServices(const inventory::InventoryView& view) const;
  inventory::InventoryStats SumAgentStats() const;

  ClusterLimits limits_;
  std::map<std::string, AgentState> agents_;  // ordered: merges run in a stable order
  // Which agents report each id.
  std::unordered_map<std::string, std::set<std::string>> endpoint_agents_;
  std::unordered_map<std::string, std::set<std::string>> finding_agents_;
  std::unordered_map<std::string, size_t> service_names_;  // name -> agents reporting it
  // The merged results, and what must be merged again at the next publish.
  std::unordered_map<std::string, std::shared_ptr<const inventory::EndpointView>> merged_;
  std::unordered_map<std::string, findings::Finding> merged_findings_;
  std::unordered_set<std::string> dirty_endpoints_;
  std::unordered_set<std::string> dirty_findings_;
  bool view_dirty_ = true;
};

}  // namespace apisensor::collector
