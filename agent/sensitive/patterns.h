// The scanner's first stage: one Hyperscan expression per candidate shape, each tied to the kinds
// it may reveal and the check (candidate_checks.h) that confirms them. The pattern id Hyperscan
// reports is the index in this table. `width` is the exact match length of fixed-width
// patterns (so a check knows where its match begins), 0 for the others.
//
// Every expression is built so that Hyperscan can run it cheaply: a literal to trigger on, or a
// pure bounded repeat of one class at least 16 long (Hyperscan runs those with a dedicated
// engine). Anything else, such as \b[0-9]{13,19}\b, makes Hyperscan step a state machine over
// every byte, which on JSON costs more than all the other patterns together; that is why
// boundaries are checked in C++ rather than with \b.
#pragma once

#include <span>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/kind.h"

namespace apisensor::sensitive {

struct PatternSpec {
  const char* expression;
  unsigned flags;  // HS_FLAG_*; patterns are ASCII, block mode
  unsigned width;
  KindSet kinds;
  CandidateCheck check;
};

std::span<const PatternSpec> Patterns();

}  // namespace apisensor::sensitive
