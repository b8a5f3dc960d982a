// What every OCSF event shares: the classification header (class, category, activity, type), the
// metadata naming apisensor, and JSON writing in which every string is valid UTF-8 whatever bytes
// a client sent, so a SIEM never drops an event for its encoding.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "exporters/core/ip_address.h"
#include "exporters/formats/format_options.h"

namespace apisensor::exporters::ocsf {

// The OCSF schema version the events are written for and validated against
// (tests/data/ocsf/ocsf-subset.json).
inline constexpr std::string_view kSchemaVersion = "1.9.0-dev";

class JsonOut {
 public:
  explicit JsonOut(std::string& scratch) : scratch_(scratch), writer_(buffer_) {}

  void StartObject(std::string_view key = {});
  void EndObject() { writer_.EndObject(); }
  void StartArray(std::string_view key);
  void EndArray() { writer_.EndArray(); }
  // Keys and strings alike: invalid UTF-8 replaced by U+FFFD.
  void Key(std::string_view key);
  void String(std::string_view value);
  void Member(std::string_view key, std::string_view value);
  void MemberIfSet(std::string_view key, std::string_view value);  // skipped when empty
  void IntMember(std::string_view key, int64_t value);
  void BoolMember(std::string_view key, bool value);
  // An integer_t attribute: OCSF's 32-bit integer, so larger counts and sizes are capped.
  void Int32Member(std::string_view key, uint64_t value);

  void AppendTo(std::string& out) const { out.append(buffer_.GetString(), buffer_.GetSize()); }

 private:
  std::string& scratch_;  // for strings that need their UTF-8 repaired
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// An OCSF enum value with its caption (the sibling string attribute).
struct EnumValue {
  int id;
  std::string_view caption;
};

struct EventClass {
  int class_uid;
  std::string_view class_name;
  int category_uid;
  std::string_view category_name;
};

// activity_id/activity_name, category, class, type_uid/type_name = class_uid × 100 + activity.
void WriteClassification(JsonOut& out, const EventClass& event_class, const EnumValue& activity);

// metadata: schema version, product (apisensor, its version), log name and profiles in use.
void WriteMetadata(JsonOut& out, const FormatOptions& options, std::string_view log_name,
                   std::string_view correlation_uid, bool host_profile);

// device: the node apisensor runs on. OCSF requires a device type and apisensor cannot tell a
// VM from bare metal, so it says Server, what a node serving APIs is. Nothing when `hostname` is
// empty.
void WriteDevice(JsonOut& out, const FormatOptions& options);

inline int64_t NsToMs(uint64_t ns) { return static_cast<int64_t>(ns / 1'000'000); }

using exporters::IsIpAddress;  // whether a value belongs in an OCSF ip_t field

}  // namespace apisensor::exporters::ocsf
