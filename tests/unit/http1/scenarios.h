// Clean connection transcripts with their exact expected exchanges. The basic tests check them
// fed whole; the split tests feed the same transcripts cut at every byte boundary.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/http1/session_harness.h"

namespace apisensor::http1::test {

struct Scenario {
  Scenario(std::string n, Script s, std::vector<std::string> e, Limits l = {})
      : name(std::move(n)), script(std::move(s)), expected(std::move(e)), limits(l) {}

  std::string name;
  Script script;
  std::vector<std::string> expected;
  Limits limits;
};

std::vector<Scenario> CleanScenarios();

// Keeps gtest from dumping the scenario's bytes in test names and failures.
inline void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }

}  // namespace apisensor::http1::test
