// Detectors that remember callers across exchanges, each with bounded state (callers beyond the
// cap are not tracked, and counted):
//   auth_failure_burst (API2:2023)  one caller collecting many 401/403 answers from one service
//                                   within a window: credential stuffing, token guessing;
//   new_external_api (API10:2023)   the first call from a process to an external API host.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

class AuthFailureBurst final : public Detector {
 public:
  explicit AuthFailureBurst(const DetectorOptions& options) : options_(options) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;
  uint64_t untracked() const override { return untracked_; }

 private:
  struct Window {
    uint64_t start_ns = 0;
    uint64_t failures = 0;
  };
  DetectorOptions options_;
  std::unordered_map<std::string, Window> windows_;  // "service caller"
  uint64_t untracked_ = 0;
  uint64_t next_sweep_ns_ = 0;
  std::string key_;
};

class NewExternalApi final : public Detector {
 public:
  explicit NewExternalApi(const DetectorOptions& options) : options_(options) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;
  uint64_t untracked() const override { return untracked_; }

 private:
  DetectorOptions options_;
  std::unordered_set<std::string> seen_;  // "process host"
  uint64_t untracked_ = 0;
  std::string key_;
};

}  // namespace apisensor::detectors
