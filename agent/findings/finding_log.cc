#include "agent/findings/finding_log.h"

#include <algorithm>

namespace apisensor::findings {

void FindingLog::Report(const Finding& finding) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(finding.id);
  if (it == by_id_.end()) {
    if (by_id_.size() >= max_findings_) {
      ++dropped_;
      return;
    }
    TypeWindow& window = windows_[finding.type];
    const uint64_t minute = finding.last_seen_ns / 60'000'000'000ULL;
    if (window.minute != minute) window = TypeWindow{minute, 0};
    if (window.new_findings >= new_per_type_per_minute_) {
      ++rate_limited_;
      return;
    }
    ++window.new_findings;
    by_id_.emplace(finding.id, finding);
  } else {
    Finding& known = it->second;
    known.count += finding.count;
    known.first_seen_ns = std::min(known.first_seen_ns, finding.first_seen_ns);
    known.last_seen_ns = std::max(known.last_seen_ns, finding.last_seen_ns);
    known.evidence = finding.evidence;  // the latest occurrence's evidence
  }
  changed_.insert(finding.id);
}

void FindingLog::Restore(const Finding& finding) {
  std::lock_guard lock(mu_);
  if (by_id_.size() < max_findings_ || by_id_.contains(finding.id)) {
    by_id_[finding.id] = finding;
  }
}

std::vector<Finding> FindingLog::All() const {
  std::vector<Finding> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(by_id_.size());
    for (const auto& [id, f] : by_id_) out.push_back(f);
  }
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return a.last_seen_ns != b.last_seen_ns ? a.last_seen_ns > b.last_seen_ns : a.id < b.id;
  });
  return out;
}

std::vector<Finding> FindingLog::TakeChanged() {
  std::lock_guard lock(mu_);
  std::vector<Finding> out;
  out.reserve(changed_.size());
  for (const std::string& id : changed_) {
    if (auto it = by_id_.find(id); it != by_id_.end()) out.push_back(it->second);
  }
  changed_.clear();
  return out;
}

uint64_t FindingLog::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

uint64_t FindingLog::rate_limited() const {
  std::lock_guard lock(mu_);
  return rate_limited_;
}

size_t FindingLog::size() const {
  std::lock_guard lock(mu_);
  return by_id_.size();
}

}  // namespace apisensor::findings
