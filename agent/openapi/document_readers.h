// Internal: the two front ends that feed a TreeBuilder, and the YAML pre-scan.
//
// Why two: yaml-cpp's scanner queues every token of a flow collection that could turn out to be
// a key ('{' at the top of a JSON file, '[' after "- ") until the collection closes, about 95
// bytes of memory per input byte. JSON therefore goes through RapidJSON's iterative SAX reader,
// and YAML is checked first (PrescanYaml) so that no key-position flow collection exceeds
// YamlLimits::max_key_flow_bytes and flow nesting stays within max_depth.
#pragma once

#include <optional>
#include <string_view>

#include "agent/openapi/tree_builder.h"
#include "agent/openapi/yaml_tree.h"

namespace apisensor::openapi {

// True when the first byte after a UTF-8 byte order mark and white space is '{' or '['.
bool LooksLikeJson(std::string_view text);

// Feeds a JSON text to `builder`. A syntax error is returned (line, column, message); a cap of
// the builder is thrown as YamlError.
std::optional<YamlError> ReadJsonDocument(std::string_view text, TreeBuilder& builder);

// Throws YamlError when flow collections nest deeper than limits.max_depth, or when one that
// may be a key spans more than limits.max_key_flow_bytes. Brackets inside quoted scalars, block
// scalars, comments and plain text do not count; the check errs towards accepting, and the tree
// builder's own depth check still applies.
void PrescanYaml(std::string_view text, const YamlLimits& limits);

// PrescanYaml, then the first YAML document through yaml-cpp. Throws YamlError.
void ReadYamlDocument(std::string_view text, TreeBuilder& builder, const YamlLimits& limits);

}  // namespace apisensor::openapi
