// Detectors of data reached or returned beyond what a caller needs:
//   object_enumeration (API1:2023, BOLA)   one caller touching many distinct values of one
//                                          parameter of a template within a window, mostly
//                                          answered 2xx (walking ids: /orders/1, /orders/2, ...);
//   excessive_data_exposure (API3:2023)    a response far larger than the endpoint's usual
//                                          ones, or sensitive data kinds newly appearing in an
//                                          endpoint's responses after its warm-up.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

class ObjectEnumeration final : public Detector {
 public:
  explicit ObjectEnumeration(const DetectorOptions& options) : options_(options) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;
  uint64_t untracked() const override { return untracked_; }

 private:
  struct Walk {
    uint64_t start_ns = 0;
    uint64_t calls = 0;
    uint64_t successes = 0;
    bool reported = false;
    // Hashes of the values, never the values (ids can be personal data); at most the threshold.
    std::unordered_set<uint64_t> values;
  };
  DetectorOptions options_;
  std::unordered_map<std::string, Walk> walks_;  // "service method template caller"
  uint64_t untracked_ = 0;
  uint64_t next_sweep_ns_ = 0;
  std::string key_;
};

class ExcessiveDataExposure final : public Detector {
 public:
  explicit ExcessiveDataExposure(const DetectorOptions& options) : options_(options) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;

 private:
  DetectorOptions options_;
};

}  // namespace apisensor::detectors
