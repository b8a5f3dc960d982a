// Prints a KindSet by names in gtest messages. Every test file that compares KindSets must
// include this: gtest's printer is a template, and one file instantiating it without PrintTo
// would make all of them print raw bytes.
#pragma once

#include <ostream>

#include "agent/sensitive/kind.h"

namespace apisensor::sensitive {

inline void PrintTo(const KindSet& set, std::ostream* out) {
  *out << "{";
  const char* separator = "";
  for (Kind kind : set) {
    *out << separator << KindName(kind);
    separator = ", ";
  }
  *out << "}";
}

}  // namespace apisensor::sensitive
