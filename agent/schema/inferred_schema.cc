#include "agent/schema/inferred_schema.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "agent/schema/body_observer.h"

namespace apisensor::schema {

InferredSchema::InferredSchema(SchemaLimits limits) : tree_(limits.Clamped()) {}

bool InferredSchema::Observe(std::string_view body, bool complete) {
  const bool recorded = ObserveBody(tree_, body, complete);
  if (recorded) ++samples_;
  AccountForStructure();
  return recorded;
}

void InferredSchema::Merge(const InferredSchema& other) {
  if (&other == this) {
    const InferredSchema copy(*this);
    Merge(copy);
    return;
  }
  tree_.MergeFrom(other.tree_.root(), tree_.root(), 0);
  tree_.stats() += other.stats();
  samples_ += other.samples_;
  AccountForStructure();
}

std::string InferredSchema::ToJsonSchema() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  WriteJsonSchema(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void InferredSchema::AccountForStructure() {
  // Walking the tree costs O(nodes); steady traffic changes no structure and skips it.
  if (tree_.TakeStructureChanged()) heap_bytes_ = tree_.HeapBytes();
}

}  // namespace apisensor::schema
