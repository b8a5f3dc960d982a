// Small bounded multisets of short strings (content types, query parameter names, JWT issuers,
// callers): the inventory keeps a handful of each per endpoint and counts what it had to turn
// away, so one noisy endpoint cannot grow memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::inventory {

struct CountedName {
  std::string name;
  uint64_t count = 0;
  bool operator==(const CountedName&) const = default;
};

// Exact counts for up to `capacity` distinct names; later newcomers are counted in overflow().
class CountedNames {
 public:
  static constexpr size_t kMaxNameBytes = 128;  // longer names are cut

  explicit CountedNames(uint32_t capacity = 16) : capacity_(capacity) {}

  void Add(std::string_view name, uint64_t n = 1);
  void Merge(const CountedNames& other);
  const std::vector<CountedName>& entries() const { return entries_; }
  uint64_t overflow() const { return overflow_; }
  void set_overflow(uint64_t n) { overflow_ = n; }
  bool Contains(std::string_view name) const;
  size_t MemoryBytes() const;

 private:
  std::vector<CountedName> entries_;
  uint64_t overflow_ = 0;
  uint32_t capacity_;
};

// The heaviest callers of an endpoint with the Space-Saving algorithm: `capacity` counters, a
// newcomer replaces the smallest and inherits its count as an over-estimate. Any caller with more
// than 1/capacity of the calls is guaranteed to be listed.
class TopCallers {
 public:
  struct Entry {
    std::string caller;
    uint64_t count = 0;
    uint64_t overestimate = 0;  // count minus this is a lower bound of the true count
    bool operator==(const Entry&) const = default;
  };

  explicit TopCallers(uint32_t capacity = 16) : capacity_(capacity) {}

  void Add(std::string_view caller, uint64_t n = 1);
  void Merge(const TopCallers& other);
  // Sorted by count, highest first.
  std::vector<Entry> Top(size_t k) const;
  const std::vector<Entry>& entries() const { return entries_; }
  void Restore(std::vector<Entry> entries);
  size_t MemoryBytes() const;

 private:
  std::vector<Entry> entries_;
  uint32_t capacity_;
};

}  // namespace apisensor::inventory
