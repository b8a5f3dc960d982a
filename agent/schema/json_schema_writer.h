// Writes a schema node as JSON Schema 2020-12, the dialect of OpenAPI 3.1, through any RapidJSON
// writer (Writer, PrettyWriter, or a document builder with the same SAX interface), so callers can
// embed it in a larger document without an intermediate string.
//
//   type:                 one name, or an array of names ("null" last); integer and number seen
//                         together give "number"; absent when nothing was recorded (any value)
//   format:               the format every string matched, if one did
//   properties, required: in first-seen order; required = held by every complete instance
//   additionalProperties: maps (dynamic keys): the schema of every value
//   items:                the merged schema of the array elements
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "agent/schema/schema_node.h"

namespace apisensor::schema {

namespace json_schema_detail {

template <typename Writer>
void Name(Writer& w, std::string_view name) {
  w.String(name.data(), static_cast<unsigned>(name.size()));
}

template <typename Writer>
void Key(Writer& w, std::string_view name) {
  w.Key(name.data(), static_cast<unsigned>(name.size()));
}

template <typename Writer>
void WriteType(Writer& w, uint8_t types) {
  if (types & kNumberType) types &= static_cast<uint8_t>(~kIntegerType);
  static constexpr std::array<std::pair<uint8_t, std::string_view>, 7> kNames = {{
      {kObjectType, "object"},
      {kArrayType, "array"},
      {kStringType, "string"},
      {kNumberType, "number"},
      {kIntegerType, "integer"},
      {kBooleanType, "boolean"},
      {kNullType, "null"},
  }};
  if (types == 0) return;
  Key(w, "type");
  const bool several = (types & (types - 1)) != 0;
  if (several) w.StartArray();
  for (const auto& [bit, name] : kNames) {
    if (types & bit) Name(w, name);
  }
  if (several) w.EndArray();
}

}  // namespace json_schema_detail

template <typename Writer>
void WriteJsonSchema(const SchemaNode& node, Writer& w) {
  using json_schema_detail::Key;
  w.StartObject();
  json_schema_detail::WriteType(w, node.types);
  if (std::optional<StringFormat> format = node.Format()) {
    Key(w, "format");
    json_schema_detail::Name(w, FormatName(*format));
  }
  if (node.dynamic_keys) {
    if (node.values) {
      Key(w, "additionalProperties");
      WriteJsonSchema(*node.values, w);
    }
  } else if (!node.properties.empty()) {
    Key(w, "properties");
    w.StartObject();
    for (const SchemaProperty& p : node.properties) {
      Key(w, p.key);
      WriteJsonSchema(*p.node, w);
    }
    w.EndObject();
    bool any_required = false;
    for (const SchemaProperty& p : node.properties) {
      if (!node.Required(p)) continue;
      if (!any_required) {
        Key(w, "required");
        w.StartArray();
        any_required = true;
      }
      json_schema_detail::Name(w, p.key);
    }
    if (any_required) w.EndArray();
  }
  if (node.items) {
    Key(w, "items");
    WriteJsonSchema(*node.items, w);
  }
  w.EndObject();
}

}  // namespace apisensor::schema
