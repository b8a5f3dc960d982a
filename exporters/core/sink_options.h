// What every sink shares in its configuration: what it takes, how much it may queue, how it
// batches and backs off, and how fast it may emit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "agent/findings/finding.h"

namespace apisensor::exporters {

struct SinkOptions {
  std::string name;  // unique among the sinks, for logs and metrics
  std::string type;  // "ocsf_file", "cef_syslog", ...
  // Findings of these types only (empty: all) at or above this severity.
  std::unordered_set<std::string> finding_types;
  findings::Severity min_severity = findings::Severity::kInfo;
  bool findings = true;           // export findings at all
  bool exchanges = false;         // also export a summary of every exchange
  size_t queue_capacity = 10000;  // items waiting; beyond it new items are dropped and counted
  size_t max_batch = 100;         // items per Deliver call
  uint64_t batch_wait_ms = 1000;  // how long a partial batch may wait for more items
  uint64_t backoff_initial_ms = 500;
  uint64_t backoff_max_ms = 30000;
  double rate_limit_per_s = 0;       // items per second (0: unlimited); excess dropped and counted
  uint64_t drain_timeout_ms = 5000;  // at shutdown, how long queued items may still be sent

  bool Accepts(const findings::Finding& finding) const {
    return findings && finding.severity >= min_severity &&
           (finding_types.empty() || finding_types.contains(finding.type));
  }
};

}  // namespace apisensor::exporters
