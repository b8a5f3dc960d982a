#include "tests/unit/support/count_allocations.h"

#include <cstdlib>
#include <new>

namespace {
thread_local bool counting = false;
thread_local size_t allocations = 0;
}  // namespace

void* operator new(size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that the replaced operator new above allocates with malloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace apisensor::test {

CountAllocations::CountAllocations() {
  allocations = 0;
  counting = true;
}

CountAllocations::~CountAllocations() { counting = false; }

size_t CountAllocations::count() const { return allocations; }

}  // namespace apisensor::test
