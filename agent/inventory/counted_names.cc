#include "agent/inventory/counted_names.h"

#include <algorithm>

namespace apisensor::inventory {
namespace {

std::string_view Capped(std::string_view name) {
  return name.substr(0, CountedNames::kMaxNameBytes);
}

}  // namespace

void CountedNames::Add(std::string_view name, uint64_t n) {
  name = Capped(name);
  for (CountedName& e : entries_) {
    if (e.name == name) {
      e.count += n;
      return;
    }
  }
  if (entries_.size() >= capacity_) {
    overflow_ += n;
    return;
  }
  entries_.push_back(CountedName{std::string(name), n});
}

void CountedNames::Merge(const CountedNames& other) {
  for (const CountedName& e : other.entries_) Add(e.name, e.count);
  overflow_ += other.overflow_;
}

bool CountedNames::Contains(std::string_view name) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const CountedName& e) { return e.name == name; });
}

size_t CountedNames::MemoryBytes() const {
  size_t bytes = entries_.capacity() * sizeof(CountedName);
  for (const CountedName& e : entries_) {
    if (e.name.capacity() > 15) bytes += e.name.capacity();  // beyond the small-string buffer
  }
  return bytes;
}

void TopCallers::Add(std::string_view caller, uint64_t n) {
  caller = Capped(caller);
  for (Entry& e : entries_) {
    if (e.caller == caller) {
      e.count += n;
      return;
    }
  }
  if (entries_.size() < capacity_) {
    entries_.push_back(Entry{std::string(caller), n, 0});
    return;
  }
  auto smallest =
      std::min_element(entries_.begin(), entries_.end(),
                       [](const Entry& a, const Entry& b) { return a.count < b.count; });
  smallest->caller.assign(caller);
  smallest->overestimate = smallest->count;
  smallest->count += n;
}

void TopCallers::Merge(const TopCallers& other) {
  // Adding the other side's counters one by one keeps Space-Saving's guarantee (with the sum of
  // both error bounds), which is all a merged view can promise.
  for (const Entry& e : other.entries_) {
    const size_t before = entries_.size();
    const bool known = std::any_of(entries_.begin(), entries_.end(),
                                   [&](const Entry& m) { return m.caller == e.caller; });
    Add(e.caller, e.count);
    if (known || entries_.size() > before) {
      for (Entry& m : entries_) {
        if (m.caller == e.caller) m.overestimate += e.overestimate;
      }
    }
  }
}

std::vector<TopCallers::Entry> TopCallers::Top(size_t k) const {
  std::vector<Entry> out = entries_;
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
    return a.count != b.count ? a.count > b.count : a.caller < b.caller;
  });
  if (out.size() > k) out.resize(k);
  return out;
}

void TopCallers::Restore(std::vector<Entry> entries) {
  if (entries.size() > capacity_) entries.resize(capacity_);
  entries_ = std::move(entries);
}

size_t TopCallers::MemoryBytes() const {
  size_t bytes = entries_.capacity() * sizeof(Entry);
  for (const Entry& e : entries_) {
    if (e.caller.capacity() > 15) bytes += e.caller.capacity();
  }
  return bytes;
}

}  // namespace apisensor::inventory
