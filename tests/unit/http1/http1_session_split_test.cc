#include <gtest/gtest.h>

#include "tests/unit/http1/scenarios.h"
#include "tests/unit/http1/split_check.h"

namespace apisensor::http1::test {
namespace {

class SplitTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(SplitTest, EverySplitPointGivesSameExchanges) {
  const Scenario& sc = GetParam();
  ExpectSameAtEverySplit(sc.script, sc.expected, sc.limits);
}

TEST_P(SplitTest, ByteByByteGivesSameExchanges) {
  const Scenario& sc = GetParam();
  ExpectSameByteByByte(sc.script, sc.expected, sc.limits);
}

INSTANTIATE_TEST_SUITE_P(Http1, SplitTest, ::testing::ValuesIn(CleanScenarios()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace apisensor::http1::test
