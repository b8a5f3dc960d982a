// Syscalls cut streams anywhere: every transcript must give the same exchanges however its chunks
// are split.
#include <gtest/gtest.h>

#include "tests/unit/http1/scenarios.h"

namespace apisensor::http1::test {
namespace {

class SplitTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(SplitTest, EverySplitPointGivesSameExchanges) {
  const Scenario& sc = GetParam();
  for (size_t op = 0; op < sc.script.size(); ++op) {
    if (sc.script[op].kind != Op::Kind::kData) continue;
    for (size_t at = 1; at < sc.script[op].bytes.size(); ++at) {
      const Result r = RunScript(sc.script, sc.limits, op, at);
      ASSERT_EQ(r.exchanges, sc.expected) << "op " << op << " split at " << at;
    }
  }
}

TEST_P(SplitTest, ByteByByteGivesSameExchanges) {
  const Scenario& sc = GetParam();
  const Result r = RunScript(sc.script, sc.limits, SIZE_MAX, 0, /*byte_by_byte=*/true);
  EXPECT_EQ(r.exchanges, sc.expected);
}

INSTANTIATE_TEST_SUITE_P(Http1, SplitTest, ::testing::ValuesIn(CleanScenarios()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace apisensor::http1::test
