#include "agent/reassembly/seq_unwrapper.h"

#include <gtest/gtest.h>

namespace apisensor::reassembly {
namespace {

TEST(SeqUnwrapperTest, OriginIsZero) {
  SeqUnwrapper u(1000);
  EXPECT_EQ(u.Unwrap(1000, 0), 0);
  EXPECT_EQ(u.Unwrap(1500, 0), 500);
  EXPECT_EQ(u.Unwrap(900, 0), -100);
}

TEST(SeqUnwrapperTest, CrossesTwoToThe32) {
  SeqUnwrapper u(0xFFFFFF00u);
  EXPECT_EQ(u.Unwrap(0xFFFFFFFFu, 0), 0xFF);
  EXPECT_EQ(u.Unwrap(0x00000000u, 0xFF), 0x100);
  EXPECT_EQ(u.Unwrap(0x00000010u, 0), 0x110);
  EXPECT_EQ(u.Unwrap(0xFFFFFFF0u, 0x110), 0xF0);
}

TEST(SeqUnwrapperTest, KeepsCountingPastSeveralWraps) {
  SeqUnwrapper u(5);
  const int64_t far = (int64_t{3} << 32) + 7;
  EXPECT_EQ(u.Unwrap(12, far), far);
  EXPECT_EQ(u.Unwrap(12 + 100, far), far + 100);
  EXPECT_EQ(u.Unwrap(12 - 100, far), far - 100);
}

TEST(SeqUnwrapperTest, PicksNearestWithinHalfTheSpace) {
  SeqUnwrapper u(0);
  EXPECT_EQ(u.Unwrap(0x7FFFFFFFu, 0), 0x7FFFFFFF);
  EXPECT_EQ(u.Unwrap(0x80000000u, 0), -int64_t{0x80000000});
}

}  // namespace
}  // namespace apisensor::reassembly
