// The agent's findings, one entry per finding id: a repeat updates count and last_seen instead of
// adding a row. Bounded: beyond the cap, new ids are counted and dropped (existing ones still
// update). Report() runs on the detecting thread and only takes a short uncontended lock; readers
// get copies.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "agent/findings/finding.h"

namespace apisensor::findings {

class FindingLog final : public FindingSink {
 public:
  explicit FindingLog(size_t max_findings = 10000) : max_findings_(max_findings) {}

  void Report(const Finding& finding) override;
  // Restores stored findings at start-up (no counting as new).
  void Restore(const Finding& finding);

  // Every finding, newest last_seen first.
  std::vector<Finding> All() const;
  // Findings changed since the previous call, for the store.
  std::vector<Finding> TakeChanged();
  uint64_t dropped() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, Finding> by_id_;
  std::unordered_set<std::string> changed_;
  uint64_t dropped_ = 0;
  size_t max_findings_;
};

}  // namespace apisensor::findings
