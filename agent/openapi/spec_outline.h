// Internal: which parts of an OpenAPI / Swagger document the reader needs, as a keep policy for
// YamlTree. Kept: the version keys, info.title and info.version, servers, host, basePath,
// schemes, security, security schemes, and under paths each operation's operationId,
// deprecated, security, servers and parameters (name, in, $ref). Dropped: schemas, responses,
// request bodies, examples, descriptions, tags, extensions: the bulk of a real spec.
#pragma once

#include <cstdint>
#include <string_view>

#include "agent/openapi/yaml_tree.h"

namespace apisensor::openapi {

class SpecOutline final : public YamlKeepPolicy {
 public:
  // Contexts after kSkip and kKeepAll.
  static constexpr uint8_t kRoot = 2;
  static constexpr uint8_t kInfo = 3;
  static constexpr uint8_t kPaths = 4;  // and components.pathItems (3.1): names to path items
  static constexpr uint8_t kPathItem = 5;
  static constexpr uint8_t kOperation = 6;
  static constexpr uint8_t kParameterList = 7;
  static constexpr uint8_t kParameter = 8;
  static constexpr uint8_t kComponents = 9;
  static constexpr uint8_t kNamedParameters = 10;  // components.parameters (3.x), parameters (2.0)

  uint8_t RootContext() const override { return kRoot; }
  uint8_t MapValueContext(uint8_t parent, std::string_view key) const override;
  uint8_t SequenceItemContext(uint8_t parent) const override;
};

// True for the eight lower-case operation keys of a path item.
bool IsOperationKey(std::string_view key);

}  // namespace apisensor::openapi
