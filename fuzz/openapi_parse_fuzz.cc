// Fuzzes the OpenAPI / Swagger reader with any bytes (YAML or JSON) under small caps, then the
// matcher with the operations it produced. The reader must refuse with a SpecError or return a
// spec within the caps, never crash or hang; every operation it returns must be found again by
// ServiceSpecs::Classify at a concrete path made from its template.
// Seeds: the specs in tests/unit/openapi/specs/ (copy them into a scratch corpus directory).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "agent/openapi/service_specs.h"
#include "agent/openapi/spec_parser.h"

namespace {

using apisensor::openapi::Classification;
using apisensor::openapi::DeclaredState;
using apisensor::openapi::ServiceSpecs;
using apisensor::openapi::Spec;
using apisensor::openapi::SpecError;
using apisensor::openapi::SpecLimits;

// "/a/{id}/f.{ext}" → "/a/1/f.1"; nullopt-like "" when the template has characters that a
// request path would not carry as is ('?', '#') or that make the substitution ambiguous.
std::string ConcretePath(std::string_view template_path) {
  std::string out;
  bool in_parameter = false;
  for (char c : template_path) {
    if (c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20) return {};
    if (c == '{') {
      in_parameter = true;
      out.push_back('1');
    } else if (c == '}') {
      in_parameter = false;
    } else if (!in_parameter) {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SpecLimits limits;
  limits.max_operations = 64;
  limits.max_parameters = 8;
  limits.max_servers = 4;
  limits.max_warnings = 8;
  limits.max_parameter_reads = 256;
  limits.yaml.max_depth = 32;
  limits.yaml.max_nodes = 20000;
  limits.yaml.max_key_flow_bytes = 4096;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::shared_ptr<const Spec> spec;
  try {
    spec = std::make_shared<const Spec>(apisensor::openapi::ParseSpec(text, "fuzz.yaml", limits));
  } catch (const SpecError& e) {
    if (std::string_view(e.what()).substr(0, 11) != "fuzz.yaml: ") __builtin_trap();
    return 0;
  }
  if (spec->operations.size() > limits.max_operations) __builtin_trap();
  if (spec->warnings.size() > limits.max_warnings) __builtin_trap();
  if (spec->servers.empty()) __builtin_trap();
  if (spec->stats.yaml_nodes_kept > limits.yaml.max_nodes) __builtin_trap();

  const ServiceSpecs specs({spec});
  for (const auto& op : spec->operations) {
    if (op.query_params.size() > limits.max_parameters * 2) __builtin_trap();
    if (op.base_paths.empty() || op.template_path != op.base_paths.front() + op.path) {
      __builtin_trap();
    }
    const std::string path = ConcretePath(op.template_path);
    if (path.empty()) continue;
    const Classification c = specs.Classify(op.method, path);
    // Another operation may win (a literal segment, an equal template), never nothing.
    if (c.state != DeclaredState::kDeclared && c.state != DeclaredState::kDeprecated) {
      __builtin_trap();
    }
    if (c.operation == nullptr || specs.SpecOf(*c.operation) != spec.get()) __builtin_trap();
  }
  // Paths made of the input itself, with every method.
  for (const char* method : {"GET", "POST", "DELETE", "BREW"}) {
    const Classification c = specs.Classify(method, text.substr(0, 256));
    if (c.state == DeclaredState::kRemoved) __builtin_trap();  // one spec: nothing is older
  }
  return 0;
}
