// Observe on paths whose templates are learned must not touch the heap: counted by replacing
// the global operator new in this test binary.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/templating/path_templater.h"
#include "tests/unit/support/count_allocations.h"

namespace apisensor::templating {
namespace {

using test::CountAllocations;

TEST(TemplaterAllocationTest, CounterSeesAllocations) {
  CountAllocations counter;
  std::string s(100, 'x');
  EXPECT_EQ(counter.count(), 1u);
}

TEST(TemplaterAllocationTest, LearnedPathsWithNewValuesDoNotAllocate) {
  PathTemplater t;
  std::vector<std::string> warm = {"/api/v1/users/1/orders/2/items/3", "/users/me",
                                   "/api/v1/users/ada@example.com/settings", "/reports/2024-01-01",
                                   "/caf%C3%A9/menu"};
  for (int i = 0; i < 25; ++i) warm.push_back("/v1/tenant-" + std::string(1, 'a' + i) + "/orders");
  for (const std::string& p : warm) t.Observe(p);
  // Fresh id values, new tenants after the merge, normalisation work: all built before counting.
  std::vector<std::string> steady;
  for (int i = 0; i < 200; ++i) {
    steady.push_back("/api/v1/users/" + std::to_string(1000 + i) + "/orders/" +
                     std::to_string(i * 7) + "/items/9f8c2a1e-4b7d-4c1a-9e3f-0a1b2c3d4e5f");
    steady.push_back("//users/me/?x=1");
    steady.push_back("/v1/new-tenant-" + std::to_string(i) + "/orders");
    steady.push_back("/api/v1/users/grace" + std::to_string(i) + "%40example.com/settings");
    steady.push_back("/reports/2023-12-" + std::to_string(10 + i % 20));
    steady.push_back("/caf%c3%a9/./menu");
  }
  size_t bytes = 0;
  CountAllocations counter;
  for (const std::string& p : steady) bytes += t.Observe(p).size();
  EXPECT_EQ(counter.count(), 0u);
  EXPECT_GT(bytes, 0u);
}

}  // namespace
}  // namespace apisensor::templating
