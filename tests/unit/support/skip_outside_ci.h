// Tests that need something of the machine (root, a receiver program, a cgroup2 mount) skip
// outside CI when it is missing, and fail with CI=true, so CI can never pass without running them.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace apisensor::testing {

inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

}  // namespace apisensor::testing

// Ends the current test: a failure with CI=true, a skip otherwise. `why` says what is missing.
#define APISENSOR_SKIP_OUTSIDE_CI(why)                                                  \
  do {                                                                                  \
    if (::apisensor::testing::InCi()) FAIL() << (why) << " (CI=true forbids skipping)"; \
    GTEST_SKIP() << (why);                                                              \
  } while (0)
