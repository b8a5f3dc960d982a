// One node of an inferred JSON schema: the union of the JSON types seen at one place of the
// bodies, with what is known of their shape. Values are never held, only types, key names, the
// string formats every value matched, and counts. Consumers read nodes through
// InferredSchema::root(); only InferredSchema changes them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::schema {

// JSON types as seen in the literal: `1` is an integer, `1.0` and `1e3` are numbers.
enum TypeBit : uint8_t {
  kNullType = 1 << 0,
  kBooleanType = 1 << 1,
  kIntegerType = 1 << 2,
  kNumberType = 1 << 3,
  kStringType = 1 << 4,
  kArrayType = 1 << 5,
  kObjectType = 1 << 6,
};
inline constexpr uint8_t kAllTypes = 0x7f;

// String formats of JSON Schema 2020-12 that are checked. A node keeps the set of formats every
// string it saw matched; one value that matches none of them empties the set for good.
enum class StringFormat : uint8_t { kDateTime, kDate, kEmail, kUuid, kIpv4, kUri };
inline constexpr uint8_t FormatBit(StringFormat f) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(f));
}
inline constexpr uint8_t kAllFormats = 0x3f;

// The JSON Schema spelling: "date-time", "date", "email", "uuid", "ipv4", "uri".
std::string_view FormatName(StringFormat format);

struct SchemaNode;

struct SchemaProperty {
  std::string key;
  uint64_t present = 0;              // complete instances of the parent object that held this key
  std::unique_ptr<SchemaNode> node;  // never null
};

struct SchemaNode {
  uint8_t types = 0;          // TypeBit set; 0 when no value was recorded here (e.g. cut short)
  uint8_t formats = 0;        // with kStringType: formats every string seen here matched
  bool dynamic_keys = false;  // a map: `properties` stays empty, `values` describes every value
  uint64_t objects = 0;       // complete object instances seen here (their closing brace read)
  std::vector<SchemaProperty> properties;  // in first-seen order, keys unique
  std::unique_ptr<SchemaNode> items;       // array elements; null until one was recorded
  std::unique_ptr<SchemaNode> values;      // map values; null until one was recorded

  // Held by every complete instance. Instances cut short never count, so a truncated body cannot
  // make a key optional; with no complete instance at all nothing is known to be required.
  bool Required(const SchemaProperty& p) const { return objects > 0 && p.present == objects; }

  // The one format every string seen here matched, if any.
  std::optional<StringFormat> Format() const;

  const SchemaProperty* Find(std::string_view key) const;
};

}  // namespace apisensor::schema
