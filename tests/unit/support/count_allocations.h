// Counts the heap allocations this thread makes while a CountAllocations lives, for tests that
// prove a hot path does not allocate. Linking this library into a test binary replaces the
// global operator new of that binary (and only that binary).
#pragma once

#include <cstddef>

namespace apisensor::test {

class CountAllocations {
 public:
  CountAllocations();
  ~CountAllocations();
  CountAllocations(const CountAllocations&) = delete;
  CountAllocations& operator=(const CountAllocations&) = delete;

  size_t count() const;
};

}  // namespace apisensor::test
