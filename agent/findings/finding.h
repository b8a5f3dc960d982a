// The one shape every detector's output takes, from the inventory's shadow and zombie endpoints
// to the OWASP detectors: what happened, where, who, how often, and evidence in which every
// credential is already a fingerprint. Repeats of one finding share its `id` and update it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/k8s/workload_identity.h"

namespace apisensor::findings {

enum class Severity : uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };

std::string_view SeverityName(Severity severity);  // "info", "low", "medium", "high", "critical"

struct Finding {
  std::string id;    // stable: the same condition on the same endpoint and caller gives the same id
  std::string type;  // "shadow_endpoint", "zombie_endpoint", ...
  Severity severity = Severity::kInfo;
  std::string owasp;  // API Top 10 2023 id, e.g. "API9:2023"
  std::string title;
  std::string description;
  std::string service;
  std::string endpoint;              // "GET /users/{id}"
  std::string caller;                // workload or address
  k8s::WorkloadIdentity k8s;         // the service's workload, when Kubernetes attribution knows it
  k8s::WorkloadIdentity caller_k8s;  // the caller's workload or Service, likewise
  uint64_t first_seen_ns = 0;
  uint64_t last_seen_ns = 0;
  uint64_t count = 1;
  std::vector<std::pair<std::string, std::string>> evidence;  // redacted
};

// A stable id: 16 hex digits of a hash of the parts that make a finding the same finding.
std::string FindingId(std::string_view type, std::string_view service, std::string_view endpoint,
                      std::string_view caller);

// Where findings go. Called on the thread that detected them; must not block.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void Report(const Finding& finding) = 0;
};

}  // namespace apisensor::findings
