#include "agent/inventory/counted_names.h"

#include <gtest/gtest.h>

namespace apisensor::inventory {
namespace {

TEST(CountedNames, CountsUpToCapacityThenOverflow) {
  CountedNames n(2);
  n.Add("a");
  n.Add("b", 3);
  n.Add("a");
  n.Add("c", 5);
  ASSERT_EQ(n.entries().size(), 2u);
  EXPECT_EQ(n.entries()[0], (CountedName{"a", 2}));
  EXPECT_EQ(n.entries()[1], (CountedName{"b", 3}));
  EXPECT_EQ(n.overflow(), 5u);
  EXPECT_TRUE(n.Contains("b"));
  EXPECT_FALSE(n.Contains("c"));
}

TEST(CountedNames, LongNamesAreCut) {
  CountedNames n;
  n.Add(std::string(1000, 'x'));
  EXPECT_EQ(n.entries()[0].name.size(), CountedNames::kMaxNameBytes);
}

TEST(TopCallers, HeavyHittersSurviveAStreamOfOneOffs) {
  TopCallers t(4);
  for (int i = 0; i < 1000; ++i) {
    t.Add("10.0.0.1");                   // half of all calls
    if (i % 4 == 0) t.Add("10.0.0.2");   // an eighth
    t.Add("scan-" + std::to_string(i));  // each seen once
  }
  const auto top = t.Top(2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].caller, "10.0.0.1");
  EXPECT_GE(top[0].count - top[0].overestimate, 1000u);  // the lower bound is exact here
  EXPECT_EQ(t.entries().size(), 4u);
}

TEST(TopCallers, MergeKeepsTheUnion) {
  TopCallers a(8), b(8);
  a.Add("x", 5);
  b.Add("x", 2);
  b.Add("y", 9);
  a.Merge(b);
  const auto top = a.Top(8);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].caller, "y");
  EXPECT_EQ(top[0].count, 9u);
  EXPECT_EQ(top[1].count, 7u);
}

}  // namespace
}  // namespace apisensor::inventory
