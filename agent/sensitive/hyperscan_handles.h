// Owning handles for Hyperscan objects, so a database or scratch region is freed exactly once
// whatever path leaves a scope. Hyperscan's headers stay out of this header: the handles name
// its opaque structs only.
#pragma once

#include <memory>
#include <span>

#include "agent/sensitive/patterns.h"

struct hs_database;
struct hs_scratch;

namespace apisensor::sensitive::hyperscan {

struct DatabaseDeleter {
  void operator()(hs_database* database) const;
};
struct ScratchDeleter {
  void operator()(hs_scratch* scratch) const;
};

using Database = std::unique_ptr<hs_database, DatabaseDeleter>;
using ScratchSpace = std::unique_ptr<hs_scratch, ScratchDeleter>;

// Compiles the patterns into one block-mode database (pattern id = index). Throws
// std::runtime_error with one sentence when the CPU lacks SSSE3 or a pattern does not compile.
Database CompileBlockDatabase(std::span<const PatternSpec> patterns);

// Scratch sized for `database`. Throws std::runtime_error (allocation failure).
ScratchSpace AllocateScratch(const hs_database* database);

}  // namespace apisensor::sensitive::hyperscan
