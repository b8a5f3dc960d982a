// Syscalls cut streams anywhere: a transcript must give the same exchanges however its data
// chunks are split (each chunk cut in two at every point, and everything byte by byte).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/http1/session_harness.h"

namespace apisensor::http1::test {

inline void ExpectSameAtEverySplit(const Script& script, const std::vector<std::string>& expected,
                                   const Limits& limits = {}) {
  for (size_t op = 0; op < script.size(); ++op) {
    if (script[op].kind != Op::Kind::kData) continue;
    for (size_t at = 1; at < script[op].bytes.size(); ++at) {
      const Result r = RunScript(script, limits, op, at);
      ASSERT_EQ(r.exchanges, expected) << "op " << op << " split at " << at;
    }
  }
}

inline void ExpectSameByteByByte(const Script& script, const std::vector<std::string>& expected,
                                 const Limits& limits = {}) {
  const Result r = RunScript(script, limits, SIZE_MAX, 0, /*byte_by_byte=*/true);
  EXPECT_EQ(r.exchanges, expected);
}

}  // namespace apisensor::http1::test
