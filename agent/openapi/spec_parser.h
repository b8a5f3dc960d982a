// Reads OpenAPI 3.0.x / 3.1.x and Swagger 2.0 documents, YAML or JSON, into a Spec.
//
// Fatal (SpecError, one sentence "<source>: [line N, column M: ]<problem>"): a file that cannot be
// read or is larger than max_file_bytes, a YAML syntax error, a cap of the YAML tree, a document
// with neither an `openapi` nor a `swagger` key, an unsupported version, a top level, `paths`,
// `info` or `components` of the wrong kind. Everything smaller (an operation that is not a
// mapping, an invalid path template, an unresolvable $ref, a cap reached) is skipped with a
// warning in Spec::warnings and a count in Spec::stats, so one bad entry does not hide the rest.
//
// Only local references are followed ("#/components/parameters/x", "#/parameters/x", a path item
// "#/paths/~1pets" or "#/components/pathItems/x"); remote ones ("other.yaml#/x", URLs) are counted
// and skipped. The parser never recurses on the document's shape, so hostile YAML (alias bombs,
// deep nesting, self-referencing aliases) costs bounded time and memory; yaml-cpp itself recurses
// up to YamlLimits::max_depth levels, about 200 KiB of stack.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "agent/openapi/spec.h"
#include "agent/openapi/yaml_tree.h"

namespace apisensor::openapi {

struct SpecLimits {
  size_t max_file_bytes = size_t{16} << 20;
  YamlLimits yaml;
  size_t max_operations = 20000;          // per document
  size_t max_parameters = 256;            // per `parameters` list
  size_t max_servers = 64;                // per `servers` list
  size_t max_security_schemes = 256;      // per document
  size_t max_security_alternatives = 64;  // per `security` list
  size_t max_schemes_per_alternative = 16;
  size_t max_warnings = 64;  // more are counted in stats.warnings_dropped
  size_t max_ref_hops = 8;   // a longer $ref chain is treated as a cycle
  // Parameter entries read per document: aliases can make a small text list the same long
  // parameter lists under thousands of operations.
  size_t max_parameter_reads = size_t{1} << 18;
};

// Parses `text`; `source` names it in errors and in Spec::source.
Spec ParseSpec(std::string_view text, const std::string& source, const SpecLimits& limits = {});

// Reads and parses `file` (its path as given names it).
Spec LoadSpecFile(const std::filesystem::path& file, const SpecLimits& limits = {});

// The whole content of `file`; SpecError "<file>: cannot read: <reason>" or
// "<file>: larger than N bytes".
std::string ReadSpecFile(const std::filesystem::path& file, size_t max_bytes);

}  // namespace apisensor::openapi
