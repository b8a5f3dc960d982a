// Helpers shared by the schema tests.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "agent/schema/inferred_schema.h"

namespace apisensor::schema::testing {

// The JSON Schema text inferred from complete `bodies`.
inline std::string Infer(std::initializer_list<std::string_view> bodies, SchemaLimits limits = {}) {
  InferredSchema schema(limits);
  for (std::string_view body : bodies) schema.Observe(body, true);
  return schema.ToJsonSchema();
}

}  // namespace apisensor::schema::testing
