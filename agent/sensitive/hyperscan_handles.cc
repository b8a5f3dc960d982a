#include "agent/sensitive/hyperscan_handles.h"

#include <hs/hs.h>

#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace apisensor::sensitive::hyperscan {

void DatabaseDeleter::operator()(hs_database* database) const { hs_free_database(database); }
void ScratchDeleter::operator()(hs_scratch* scratch) const { hs_free_scratch(scratch); }

Database CompileBlockDatabase(std::span<const PatternSpec> patterns) {
  if (hs_valid_platform() != HS_SUCCESS) {
    throw std::runtime_error(
        "The sensitive-data scanner needs a CPU with SSSE3 (required by Hyperscan), and this one "
        "lacks it.");
  }
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < patterns.size(); ++i) {
    expressions.push_back(patterns[i].expression);
    flags.push_back(patterns[i].flags);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* raw_database = nullptr;
  hs_compile_error_t* raw_error = nullptr;
  const hs_error_t rc = hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                                         static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK,
                                         nullptr, &raw_database, &raw_error);
  Database database(raw_database);
  const std::unique_ptr<hs_compile_error_t, decltype(&hs_free_compile_error)> error(
      raw_error, &hs_free_compile_error);
  if (rc != HS_SUCCESS) {
    std::string message = "The sensitive-data scanner's patterns do not compile with Hyperscan";
    if (error != nullptr) {
      if (error->expression >= 0) {
        message += " (pattern " + std::to_string(error->expression) + ", " +
                   patterns[static_cast<size_t>(error->expression)].expression + ")";
      }
      message += std::string(": ") + error->message;
    }
    throw std::runtime_error(message + ".");
  }
  return database;
}

ScratchSpace AllocateScratch(const hs_database* database) {
  hs_scratch_t* raw_scratch = nullptr;
  if (hs_alloc_scratch(database, &raw_scratch) != HS_SUCCESS) {
    hs_free_scratch(raw_scratch);
    throw std::runtime_error(
        "Hyperscan could not allocate scratch space for the sensitive-data scanner.");
  }
  return ScratchSpace(raw_scratch);
}

}  // namespace apisensor::sensitive::hyperscan
