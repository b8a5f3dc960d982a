// Internal: security schemes (3.x components.securitySchemes, 2.0 securityDefinitions) and
// security requirements (`security` lists at document and operation level).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/openapi/read_context.h"
#include "agent/openapi/spec.h"

namespace apisensor::openapi {

// Reads a mapping of scheme name → scheme object; entries that are not objects are warned and
// skipped, unknown types kept as kUnknown.
std::vector<SecurityScheme> ReadSecuritySchemes(ReadContext& context, YamlTree::NodeId map,
                                                SpecFormat format);

// Reads a `security` list; nullopt (warned) when it is not a list of mappings.
std::optional<SecurityRequirement> ReadSecurityRequirement(ReadContext& context,
                                                           YamlTree::NodeId list);

// True when every alternative names a scheme (and there is at least one alternative).
bool RequiresCredential(const SecurityRequirement& requirement);

// Distinct scheme names, in order of first appearance.
std::vector<std::string> SchemeNames(const SecurityRequirement& requirement);

}  // namespace apisensor::openapi
