#include "exporters/formats/ocsf/ocsf_json.h"

#include <algorithm>
#include <limits>

#include "exporters/json/utf8.h"

namespace apisensor::exporters::ocsf {

void JsonOut::StartObject(std::string_view key) {
  if (!key.empty()) Key(key);
  writer_.StartObject();
}

void JsonOut::StartArray(std::string_view key) {
  Key(key);
  writer_.StartArray();
}

void JsonOut::Key(std::string_view key) {
  // Evidence keys are a detector's words, but still repaired: one bad byte voids the event.
  const std::string_view valid = ValidUtf8(key, scratch_);
  writer_.Key(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void JsonOut::String(std::string_view value) {
  const std::string_view valid = ValidUtf8(value, scratch_);
  writer_.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

void JsonOut::Member(std::string_view key, std::string_view value) {
  Key(key);
  String(value);
}

void JsonOut::MemberIfSet(std::string_view key, std::string_view value) {
  if (!value.empty()) Member(key, value);
}

void JsonOut::IntMember(std::string_view key, int64_t value) {
  Key(key);
  writer_.Int64(value);
}

void JsonOut::BoolMember(std::string_view key, bool value) {
  Key(key);
  writer_.Bool(value);
}

void JsonOut::Int32Member(std::string_view key, uint64_t value) {
  constexpr uint64_t kMax = std::numeric_limits<int32_t>::max();
  IntMember(key, static_cast<int64_t>(std::min(value, kMax)));
}

void WriteClassification(JsonOut& out, const EventClass& event_class, const EnumValue& activity) {
  out.IntMember("activity_id", int64_t{activity.id});
  out.Member("activity_name", activity.caption);
  out.IntMember("category_uid", int64_t{event_class.category_uid});
  out.Member("category_name", event_class.category_name);
  out.IntMember("class_uid", int64_t{event_class.class_uid});
  out.Member("class_name", event_class.class_name);
  out.IntMember("type_uid", int64_t{event_class.class_uid} * 100 + activity.id);
  // For "Other" the activity name is the source's own word; the type name keeps OCSF's caption.
  const std::string_view type_caption = activity.id == 99 ? "Other" : activity.caption;
  out.Member("type_name", std::string(event_class.class_name) + ": " + std::string(type_caption));
}

void WriteMetadata(JsonOut& out, const FormatOptions& options, std::string_view log_name,
                   std::string_view correlation_uid, bool host_profile) {
  out.StartObject("metadata");
  out.Member("version", kSchemaVersion);
  out.StartObject("product");
  out.Member("name", "apisensor");
  out.Member("vendor_name", "apisensor");
  out.MemberIfSet("version", options.product_version);
  out.EndObject();
  out.Member("log_name", log_name);
  out.MemberIfSet("correlation_uid", correlation_uid);
  if (host_profile) {
    out.StartArray("profiles");
    out.String("host");
    out.EndArray();
  }
  out.EndObject();
}

void WriteDevice(JsonOut& out, const FormatOptions& options) {
  if (options.hostname.empty()) return;
  out.StartObject("device");
  out.Member("hostname", options.hostname);
  out.IntMember("type_id", 1);
  out.Member("type", "Server");
  out.EndObject();
}

}  // namespace apisensor::exporters::ocsf
