// The agent's findings, one entry per finding id: a repeat updates count and last_seen instead of
// adding a row. Bounded: beyond the cap, new ids are counted and dropped (existing ones still
// update); and each type may add at most `new_per_type_per_minute` new ids a minute, so one
// noisy detector (a scan touching thousands of endpoints) cannot crowd out the others. Report()
// runs on the detecting thread and only takes a short uncontended lock; readers get copies.
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
  explicit FindingLog(size_t max_findings = 10000, uint64_t new_per_type_per_minute = 100)
      : max_findings_(max_findings), new_per_type_per_minute_(new_per_type_per_minute) {}

  void Report(const Finding& finding) override;
  // Restores stored findings at start-up (no counting as new).
  void Restore(const Finding& finding);

  // Every finding, newest last_seen first.
  std::vector<Finding> All() const;
  // Findings changed since the previous call, for the store.
  std::vector<Finding> TakeChanged();
  uint64_t dropped() const;
  uint64_t rate_limited() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, Finding> by_id_;
  std::unordered_set<std::string> changed_;
  struct TypeWindow {
    uint64_t minute = 0;
    uint64_t new_findings = 0;
  };
  std::unordered_map<std::string, TypeWindow> windows_;  // by type: a handful of entries
  uint64_t dropped_ = 0;
  uint64_t rate_limited_ = 0;
  size_t max_findings_;
  uint64_t new_per_type_per_minute_;
};

}  // namespace apisensor::findings
