// The JSON schema inferred from the bodies seen in one place (an endpoint's requests or its
// responses): keys, types, required/optional, nesting, string formats. Values are never kept,
// only shapes and counts, so bodies carrying secrets or personal data leave nothing behind.
//
// Contract:
//  - Observe() takes one body sample, possibly a prefix (`complete == false`): what was fully
//    read counts, and objects cut short are not instances, so a cut never makes a key optional.
//  - A property is required when every complete instance of its object held it. Counts are kept
//    so that Merge(a, b) gives the schema of observing a's and b's bodies into one (as long as
//    neither hit a cap; stats() are event counters and simply add up).
//  - Objects keyed by data (ids, dates, emails, ...) or with more than max_properties keys become
//    maps: one `additionalProperties` schema instead of a property per key.
//  - SchemaLimits bound nodes, depth, properties, key bytes and array elements examined; memory
//    stays bounded whatever the input, and every refusal is counted in stats().
//  - Not thread-safe: one schema per writer. Observe() does not allocate once the body's shape is
//    known (the parser's buffer is per thread and reused).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/schema/json_schema_writer.h"
#include "agent/schema/schema_limits.h"
#include "agent/schema/schema_node.h"
#include "agent/schema/schema_tree.h"

namespace apisensor::schema {

class InferredSchema {
 public:
  // Limits beyond what the implementation supports are clamped (see SchemaLimits::Clamped).
  explicit InferredSchema(SchemaLimits limits = {});

  // Records the shape of one body. False (nothing recorded) when it is not JSON at all (HTML,
  // form data, empty) or was cut before its first value ended; such bodies are only counted.
  bool Observe(std::string_view body, bool complete);

  // Adds everything `other` observed, under this schema's limits.
  void Merge(const InferredSchema& other);

  uint64_t samples() const { return samples_; }  // bodies that recorded something
  bool empty() const { return tree_.root().types == 0; }
  const SchemaNode& root() const { return tree_.root(); }
  const SchemaLimits& limits() const { return tree_.limits(); }
  const SchemaStats& stats() const { return tree_.stats(); }
  size_t node_count() const { return tree_.node_count(); }

  // JSON Schema 2020-12 text (see json_schema_writer.h); "{}" when nothing was observed.
  std::string ToJsonSchema() const;
  template <typename Writer>
  void WriteJsonSchema(Writer& w) const {
    schema::WriteJsonSchema(tree_.root(), w);
  }

  // Compact JSON holding the tree and its counts, for persistence; stats() are not included (they
  // count this process's events). Deserialize() returns nullopt for anything that is not such a
  // text within `limits` (size, nodes, depth, properties, key bytes, consistent counts).
  std::string Serialize() const;
  static std::optional<InferredSchema> Deserialize(std::string_view text, SchemaLimits limits = {});

  // Heap bytes held (nodes, property tables, long keys); sizeof(InferredSchema) not included.
  size_t MemoryBytes() const { return heap_bytes_; }

 private:
  void AccountForStructure();

  SchemaTree tree_;
  uint64_t samples_ = 0;
  size_t heap_bytes_ = 0;
};

}  // namespace apisensor::schema
