// Shared by the openapi tests: where the test specs live, and small lookups.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "agent/openapi/spec.h"

namespace apisensor::openapi {

inline std::filesystem::path SpecsDir() { return APISENSOR_OPENAPI_SPECS_DIR; }
inline std::filesystem::path SpecPath(std::string_view name) { return SpecsDir() / name; }

inline const Operation* FindOperation(const Spec& spec, std::string_view method,
                                      std::string_view path) {
  for (const Operation& op : spec.operations) {
    if (op.method == method && op.path == path) return &op;
  }
  return nullptr;
}

}  // namespace apisensor::openapi
