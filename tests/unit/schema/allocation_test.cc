// Observing a body whose shape the schema already knows must not touch the heap: counted by
// replacing the global operator new in this test binary. (RapidJSON's reader buffer is malloc'd
// once per thread and reused; it is warmed up by the first observation.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include "agent/schema/inferred_schema.h"

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

namespace apisensor::schema {
namespace {

TEST(AllocationTest, KnownShapeObservesWithoutAllocating) {
  const std::string body =
      R"({"order_identifier_long":"123e4567-e89b-12d3-a456-426614174000","total":12.5,)"
      R"("customer":{"email_address_of_customer":"ann@example.com","vip":false},)"
      R"("lines":[{"sku":"A","qty":1},{"sku":"B","qty":2,"gift":true}],)"
      R"("by_id":{"1001":{"n":1},"1002":{"n":2}},"note":"a long string that is not short at all"})";
  InferredSchema schema;
  ASSERT_TRUE(schema.Observe(body, true));
  const size_t memory = schema.MemoryBytes();
  allocations = 0;
  counting = true;
  for (int i = 0; i < 100; ++i) schema.Observe(body, true);
  schema.Observe(std::string_view(body).substr(0, body.size() / 2), false);
  counting = false;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(schema.MemoryBytes(), memory);
  EXPECT_EQ(schema.samples(), 102u);
}

}  // namespace
}  // namespace apisensor::schema
