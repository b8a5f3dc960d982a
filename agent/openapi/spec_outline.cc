#include "agent/openapi/spec_outline.h"

#include <array>

namespace apisensor::openapi {
namespace {

template <size_t N>
bool OneOf(std::string_view key, const std::array<std::string_view, N>& keys) {
  for (std::string_view k : keys) {
    if (k == key) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 8> kRootKeptWhole = {
    "openapi", "swagger",  "host",    "basePath",
    "schemes", "security", "servers", "securityDefinitions"};
constexpr std::array<std::string_view, 4> kOperationKeptWhole = {"operationId", "deprecated",
                                                                 "security", "servers"};
constexpr std::array<std::string_view, 3> kParameterKeptWhole = {"name", "in", "$ref"};

}  // namespace

bool IsOperationKey(std::string_view key) {
  static constexpr std::array<std::string_view, 8> kOperations = {
      "get", "put", "post", "delete", "options", "head", "patch", "trace"};
  return OneOf(key, kOperations);
}

uint8_t SpecOutline::MapValueContext(uint8_t parent, std::string_view key) const {
  switch (parent) {
    case kRoot:
      if (OneOf(key, kRootKeptWhole)) return kKeepAll;
      if (key == "info") return kInfo;
      if (key == "paths") return kPaths;
      if (key == "components") return kComponents;
      if (key == "parameters") return kNamedParameters;
      return kSkip;
    case kInfo:
      return key == "title" || key == "version" ? kKeepAll : kSkip;
    case kPaths:
      return key.starts_with("x-") ? kSkip : kPathItem;
    case kPathItem:
      if (IsOperationKey(key)) return kOperation;
      if (key == "parameters") return kParameterList;
      return key == "servers" || key == "$ref" ? kKeepAll : kSkip;
    case kOperation:
      if (OneOf(key, kOperationKeptWhole)) return kKeepAll;
      return key == "parameters" ? kParameterList : kSkip;
    case kParameter:
      return OneOf(key, kParameterKeptWhole) ? kKeepAll : kSkip;
    case kComponents:
      if (key == "parameters") return kNamedParameters;
      if (key == "securitySchemes") return kKeepAll;
      return key == "pathItems" ? kPaths : kSkip;
    case kNamedParameters:
      return kParameter;
    default:
      return kSkip;
  }
}

uint8_t SpecOutline::SequenceItemContext(uint8_t parent) const {
  return parent == kParameterList ? kParameter : kSkip;
}

}  // namespace apisensor::openapi
