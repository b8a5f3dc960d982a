#include "agent/schema/schema_node.h"

#include <bit>

namespace apisensor::schema {

std::string_view FormatName(StringFormat format) {
  switch (format) {
    case StringFormat::kDateTime:
      return "date-time";
    case StringFormat::kDate:
      return "date";
    case StringFormat::kEmail:
      return "email";
    case StringFormat::kUuid:
      return "uuid";
    case StringFormat::kIpv4:
      return "ipv4";
    case StringFormat::kUri:
      return "uri";
  }
  return "";
}

std::optional<StringFormat> SchemaNode::Format() const {
  if (!(types & kStringType) || formats == 0) return std::nullopt;
  // The checked formats are mutually exclusive, so at most one bit survives real strings.
  return static_cast<StringFormat>(std::countr_zero(static_cast<unsigned>(formats)));
}

const SchemaProperty* SchemaNode::Find(std::string_view key) const {
  for (const SchemaProperty& p : properties) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

}  // namespace apisensor::schema
