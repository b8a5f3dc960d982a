// Observing a body whose shape the schema already knows must not touch the heap: counted by
// replacing the global operator new in this test binary. (RapidJSON's reader buffer is malloc'd
// once per thread and reused; it is warmed up by the first observation.)
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "agent/schema/inferred_schema.h"
#include "tests/unit/support/count_allocations.h"

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
  {
    test::CountAllocations counter;
    for (int i = 0; i < 100; ++i) schema.Observe(body, true);
    schema.Observe(std::string_view(body).substr(0, body.size() / 2), false);
    EXPECT_EQ(counter.count(), 0u);
  }
  EXPECT_EQ(schema.MemoryBytes(), memory);
  EXPECT_EQ(schema.samples(), 102u);
}

}  // namespace
}  // namespace apisensor::schema
