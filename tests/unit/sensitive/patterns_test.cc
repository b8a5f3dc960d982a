// The pattern table's own consistency: checks compute where a match begins from `width`, so the
// width must be what Hyperscan says the expression matches; every kind needs a pattern.
#include "agent/sensitive/patterns.h"

#include <gtest/gtest.h>
#include <hs/hs.h>

#include <cstdlib>
#include <stdexcept>

#include "agent/sensitive/hyperscan_handles.h"
#include "tests/unit/sensitive/kind_printer.h"

namespace apisensor::sensitive {
namespace {

TEST(PatternsTest, WidthsMatchWhatHyperscanCompiles) {
  for (const PatternSpec& pattern : Patterns()) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    ASSERT_EQ(hs_expression_info(pattern.expression, pattern.flags, &info, &error), HS_SUCCESS)
        << pattern.expression << ": " << (error != nullptr ? error->message : "");
    if (pattern.width != 0) {
      EXPECT_EQ(info->min_width, pattern.width) << pattern.expression;
      EXPECT_EQ(info->max_width, pattern.width) << pattern.expression;
    } else {
      EXPECT_NE(info->min_width, info->max_width) << pattern.expression << " has a fixed width";
    }
    std::free(info);
  }
}

TEST(PatternsTest, EveryKindHasAPattern) {
  KindSet covered;
  for (const PatternSpec& pattern : Patterns()) covered |= pattern.kinds;
  EXPECT_EQ(covered, KindSet::All());
}

TEST(PatternsTest, CompileErrorIsOneSentenceNamingThePattern) {
  const PatternSpec broken[] = {
      {"abc", 0, 3, {Kind::kEmail}, CheckEmail},
      {"a(b", 0, 0, {Kind::kEmail}, CheckEmail},
  };
  try {
    hyperscan::CompileBlockDatabase(broken);
    FAIL() << "compiled an unbalanced parenthesis";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("pattern 1"), std::string::npos) << message;
    EXPECT_NE(message.find("a(b"), std::string::npos) << message;
    EXPECT_EQ(message.back(), '.') << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace apisensor::sensitive
