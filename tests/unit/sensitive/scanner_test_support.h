// One Scanner per test binary (compiling the database is the slow part) and a fixture that scans
// with its own scratch.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "agent/sensitive/kind.h"
#include "agent/sensitive/scanner.h"
#include "tests/unit/sensitive/kind_printer.h"

namespace apisensor::sensitive {

inline const Scanner& SharedScanner() {
  static const Scanner scanner;
  return scanner;
}

class ScannerTest : public ::testing::Test {
 protected:
  KindSet Scan(std::string_view text) { return SharedScanner().Scan(text, scratch_); }

  Scanner::Scratch scratch_ = SharedScanner().NewScratch();
};

}  // namespace apisensor::sensitive
