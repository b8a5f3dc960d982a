// The declared specs of one service and the per-exchange question: is (method, path) declared,
// deprecated, removed, or undeclared?
//
// Versions: specs are ordered by info.version (CompareVersions); the latest is the current
// version. Specs tied at the latest version are all current, so an API split across files, or
// several APIs that all say "1.0.0", is matched as a whole. Everything older only answers
// "removed". With LineagePolicy::kByTitle each distinct info.title is its own API with its own
// latest version (for specs grouped by port or host rather than named by the user).
//
// Classification of an observed request (path without query):
//   kDeclared    a current operation matches, not deprecated
//   kDeprecated  a current operation matches and is marked `deprecated: true`
//   kRemoved     no current operation matches, an older version's does
//   kUndeclared  no operation matches (path_declared tells whether the path alone is declared)
//
// Immutable once built: Classify is const, allocation-free and safe from any thread. Returned
// pointers and views stay valid while the ServiceSpecs lives.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/openapi/path_index.h"
#include "agent/openapi/spec.h"

namespace apisensor::openapi {

enum class DeclaredState : uint8_t { kDeclared, kDeprecated, kRemoved, kUndeclared };
std::string_view DeclaredStateName(DeclaredState state);  // "declared", ..., "undeclared"

struct Classification {
  DeclaredState state = DeclaredState::kUndeclared;
  // The endpoint path to report: the matched operation's template_path (first base path + path,
  // "/v1/pets/{petId}"), so one declared operation is one endpoint whichever of its base paths
  // was called. For kUndeclared, the template of a path declared for other methods, else "".
  std::string_view template_path;
  // The template with the base path the request actually used ("/api/v1/pets/{petId}").
  std::string_view matched_template;
  const Operation* operation = nullptr;  // set unless kUndeclared
  const Spec* spec = nullptr;            // the spec declaring `operation`
  std::string_view source;               // spec->source, "" when no operation matched
  bool path_declared = false;            // some version declares this path, for some method
  bool method_declared = false;          // an operation matched (operation != nullptr)

  bool secured() const { return operation != nullptr && operation->secured; }
};

enum class LineagePolicy : uint8_t {
  kOneApi,   // every spec is a version of the same API (explicit `--spec SERVICE=...`)
  kByTitle,  // specs with different info.title are different APIs
};

struct ServiceSpecsStats {
  uint64_t duplicate_operations = 0;  // (method, template) already declared by another spec
  uint64_t invalid_templates = 0;     // base path + path rejected by the index
};

class ServiceSpecs {
 public:
  explicit ServiceSpecs(std::vector<std::shared_ptr<const Spec>> specs,
                        LineagePolicy lineage = LineagePolicy::kOneApi);

  Classification Classify(std::string_view method, std::string_view path) const;

  // The operations of the current version(s), each once: what `unused` is computed from.
  const std::vector<const Operation*>& CurrentOperations() const { return current_operations_; }
  // Sources of all specs, newest first.
  std::vector<std::string> Sources() const;
  // The spec an operation of this service belongs to (nullptr for a foreign pointer).
  const Spec* SpecOf(const Operation& operation) const;
  std::string_view SourceOf(const Operation& operation) const;
  bool IsCurrent(const Spec& spec) const;

  // Newest first (ties by source name).
  const std::vector<std::shared_ptr<const Spec>>& specs() const { return specs_; }
  const ServiceSpecsStats& stats() const { return stats_; }

 private:
  struct Entry {
    const Operation* operation;
    const Spec* spec;
    std::string matched_template;
  };

  void Index(const Spec& spec, bool current);

  std::vector<std::shared_ptr<const Spec>> specs_;
  std::vector<const Spec*> current_specs_;
  std::vector<Entry> entries_;
  PathIndex current_;
  PathIndex older_;
  std::vector<const Operation*> current_operations_;
  ServiceSpecsStats stats_;
};

}  // namespace apisensor::openapi
