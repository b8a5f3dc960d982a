// Caps that bound an inferred schema whatever the bodies it sees, and the counters that say when
// a cap (or a bad body) made it record less than it was shown. Every overflow has a counter.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace apisensor::schema {

struct SchemaLimits {
  // Hard ceilings: the parser's per-body frame stack is a fixed array of kDepthCeiling entries,
  // and an object instance marks the properties it held in one 64-bit word.
  static constexpr size_t kDepthCeiling = 32;
  static constexpr size_t kPropertiesCeiling = 64;

  size_t max_nodes = 256;                // nodes in one schema, the root included
  size_t max_depth = 10;                 // root is depth 0; containers at this depth stay opaque
  size_t max_properties = 64;            // per object; one more turns it into a map
  size_t max_key_bytes = 64;             // a longer key makes its object a map
  size_t max_array_items_examined = 32;  // elements per array instance merged into `items`

  // These limits with every field brought inside what the implementation supports.
  SchemaLimits Clamped() const {
    SchemaLimits out = *this;
    out.max_nodes = std::max<size_t>(out.max_nodes, 1);
    out.max_depth = std::min(out.max_depth, kDepthCeiling);
    out.max_properties = std::clamp<size_t>(out.max_properties, 1, kPropertiesCeiling);
    out.max_key_bytes = std::max<size_t>(out.max_key_bytes, 1);
    return out;
  }

  bool operator==(const SchemaLimits&) const = default;
};

struct SchemaStats {
  uint64_t not_json = 0;   // bodies refused: not JSON at all (nothing recorded)
  uint64_t truncated = 0;  // bodies that ended inside a value: what was fully read counted
  uint64_t malformed = 0;  // bodies that stopped being JSON part-way: what came before counted
  uint64_t too_deep =
      0;  // bodies nested over 256 levels: abandoned there, what came before counted
  uint64_t node_cap_hits = 0;        // values not recorded because the schema held max_nodes
  uint64_t depth_cap_hits = 0;       // containers at max_depth whose contents were not recorded
  uint64_t property_cap_hits = 0;    // objects that outgrew max_properties (and became maps)
  uint64_t key_cap_hits = 0;         // objects made maps by a key longer than max_key_bytes
  uint64_t invalid_keys = 0;         // objects made maps by a key that is not valid UTF-8
  uint64_t array_items_skipped = 0;  // array instances longer than max_array_items_examined
  uint64_t maps_collapsed = 0;       // objects turned into maps (id-like keys or property cap)

  SchemaStats& operator+=(const SchemaStats& o) {
    not_json += o.not_json;
    truncated += o.truncated;
    malformed += o.malformed;
    too_deep += o.too_deep;
    node_cap_hits += o.node_cap_hits;
    depth_cap_hits += o.depth_cap_hits;
    property_cap_hits += o.property_cap_hits;
    key_cap_hits += o.key_cap_hits;
    invalid_keys += o.invalid_keys;
    array_items_skipped += o.array_items_skipped;
    maps_collapsed += o.maps_collapsed;
    return *this;
  }
  bool operator==(const SchemaStats&) const = default;
};

}  // namespace apisensor::schema
