#include "tests/unit/exporters_ocsf/ocsf_validator.h"

#include <arpa/inet.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace apisensor::testing {
namespace {

using rapidjson::Value;

std::string Str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

const Value* Member(const Value& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  const auto it =
      object.FindMember(Value(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string Describe(const Value& v) {
  if (v.IsString()) return "\"" + Str(v) + "\"";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return std::to_string(v.GetDouble());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsNull()) return "null";
  return v.IsArray() ? "an array" : "an object";
}

bool IsIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// An error text when `v` is not of the scalar OCSF type `type`; nullopt when `type` is not a
// scalar type.
std::optional<std::string> CheckScalar(const Value& v, const std::string& type) {
  static const std::vector<std::string> kStrings = {"string_t", "email_t", "file_path_t", "url_t",
                                                    "uuid_t",   "mac_t",   "subnet_t"};
  if (std::find(kStrings.begin(), kStrings.end(), type) != kStrings.end()) {
    return v.IsString() ? "" : "must be a string";
  }
  if (type == "hostname_t") {
    return v.IsString() && v.GetStringLength() > 0 ? "" : "must be a non-empty string";
  }
  if (type == "ip_t") return v.IsString() && IsIp(Str(v)) ? "" : "must be an IP address";
  if (type == "integer_t") return v.IsInt() ? "" : "must be a 32-bit integer";
  if (type == "long_t") return v.IsInt64() ? "" : "must be a 64-bit integer";
  if (type == "timestamp_t") {
    return v.IsInt64() && v.GetInt64() >= 0 ? "" : "must be milliseconds since 1970 (integer)";
  }
  if (type == "port_t") {
    return v.IsInt() && v.GetInt() >= 0 && v.GetInt() <= 65535 ? "" : "must be a port number";
  }
  if (type == "boolean_t") return v.IsBool() ? "" : "must be true or false";
  if (type == "float_t") return v.IsNumber() ? "" : "must be a number";
  if (type == "json_t") return "";
  if (type == "object") return v.IsObject() ? "" : "must be an object";
  return std::nullopt;
}

}  // namespace

struct OcsfValidator::Context {
  std::vector<std::string> errors;
  std::vector<std::string> profiles;  // metadata.profiles

  bool HasProfile(const std::string& p) const {
    return std::find(profiles.begin(), profiles.end(), p) != profiles.end();
  }
  void Error(std::string line) { errors.push_back(std::move(line)); }
};

OcsfValidator::OcsfValidator(const std::string& subset_path) {
  std::ifstream in(subset_path);
  if (!in) throw std::runtime_error("cannot read " + subset_path);
  std::stringstream text;
  text << in.rdbuf();
  subset_.Parse(text.str().c_str());
  if (subset_.HasParseError() || !subset_.IsObject() || !Member(subset_, "classes") ||
      !Member(subset_, "objects")) {
    throw std::runtime_error(subset_path + " is not the OCSF subset");
  }
}

const OcsfValidator& OcsfValidator::Default() {
  static const OcsfValidator validator(APISENSOR_OCSF_SUBSET);
  return validator;
}

std::string OcsfValidator::schema_version() const { return Str(*Member(subset_, "ocsf_version")); }

std::vector<std::string> OcsfValidator::Validate(std::string_view json) const {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return {std::string("not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
            " at offset " + std::to_string(doc.GetErrorOffset())};
  }
  return Validate(doc);
}

std::vector<std::string> OcsfValidator::Validate(const Value& event) const {
  Context c;
  if (!event.IsObject()) return {"the event is not a JSON object"};
  const Value* class_uid = Member(event, "class_uid");
  if (class_uid == nullptr || !class_uid->IsInt())
    return {"class_uid is missing or not an integer"};
  const Value* event_class = nullptr;
  std::string class_key;
  for (const auto& entry : Member(subset_, "classes")->GetObject()) {
    if ((*Member(entry.value, "class_uid")).GetInt() == class_uid->GetInt()) {
      event_class = &entry.value;
      class_key = Str(entry.name);
    }
  }
  if (event_class == nullptr) {
    return {"class_uid " + std::to_string(class_uid->GetInt()) + " is not a class of the subset"};
  }
  if (const Value* metadata = Member(event, "metadata")) {
    if (const Value* profiles = Member(*metadata, "profiles"); profiles && profiles->IsArray()) {
      for (const Value& p : profiles->GetArray()) {
        if (p.IsString()) c.profiles.push_back(Str(p));
      }
    }
  }
  CheckObject(c, event, *Member(*event_class, "attributes"), "", class_key, /*top=*/true);

  // Classification: the class's own uid, category and captions; type_uid derived from them.
  const std::string caption = Str(*Member(*event_class, "caption"));
  const int category_uid = Member(*event_class, "category_uid")->GetInt();
  if (const Value* v = Member(event, "category_uid");
      v && v->IsInt() && v->GetInt() != category_uid) {
    c.Error("category_uid = " + Describe(*v) + " but " + caption + " is in category " +
            std::to_string(category_uid));
  }
  if (const Value* v = Member(event, "class_name"); v && v->IsString() && Str(*v) != caption) {
    c.Error("class_name = " + Describe(*v) + " but the class is \"" + caption + "\"");
  }
  const std::string category_name = Str(*Member(*event_class, "category_name"));
  if (const Value* v = Member(event, "category_name");
      v && v->IsString() && Str(*v) != category_name) {
    c.Error("category_name = " + Describe(*v) + " but the category is \"" + category_name + "\"");
  }
  const Value* activity = Member(event, "activity_id");
  const Value* type_uid = Member(event, "type_uid");
  if (activity && activity->IsInt() && type_uid && type_uid->IsInt64()) {
    const int64_t want = int64_t{class_uid->GetInt()} * 100 + activity->GetInt();
    if (type_uid->GetInt64() != want) {
      c.Error("type_uid = " + Describe(*type_uid) +
              " but class_uid*100+activity_id = " + std::to_string(want));
    }
    std::string activity_caption = activity->GetInt() == 0 ? "Unknown" : "Other";
    const Value& enums =
        (*Member(*Member(*Member(*event_class, "attributes"), "activity_id"), "enum"));
    if (const Value* e = Member(enums, std::to_string(activity->GetInt())))
      activity_caption = Str(*e);
    const std::string type_name = caption + ": " + activity_caption;
    if (const Value* v = Member(event, "type_name"); v && v->IsString() && Str(*v) != type_name) {
      c.Error("type_name = " + Describe(*v) + " but should be \"" + type_name + "\"");
    }
  }
  return c.errors;
}

void OcsfValidator::CheckObject(Context& c, const Value& object, const Value& attributes,
                                const std::string& path, std::string_view defined_by,
                                bool top) const {
  const std::string prefix = path.empty() ? "" : path + ".";
  for (const auto& attr : attributes.GetObject()) {
    const std::string name = Str(attr.name);
    const std::string requirement = Str(*Member(attr.value, "requirement"));
    bool required = requirement == "required";
    const std::string only_with = "required only with profile ";
    if (requirement.starts_with(only_with))
      required = c.HasProfile(requirement.substr(only_with.size()));
    if (required && !Member(object, name)) c.Error("missing required attribute " + prefix + name);
  }
  for (const auto& member : object.GetObject()) {
    const std::string name = Str(member.name);
    const std::string where = prefix + name;
    if (top && name == "unmapped") {
      if (!member.value.IsObject()) c.Error("unmapped must be an object");
      continue;
    }
    const Value* attribute = Member(attributes, name);
    if (attribute == nullptr) {
      c.Error(where + " is not an attribute of " + std::string(defined_by));
      continue;
    }
    if (const Value* profile = Member(*attribute, "profile"); profile && profile->IsString()) {
      if (!c.HasProfile(Str(*profile))) {
        c.Error(where + " belongs to profile " + Str(*profile) + ", not in metadata.profiles");
      }
    }
    if (Member(*attribute, "is_array")->GetBool()) {
      if (!member.value.IsArray()) {
        c.Error(where + " must be an array");
        continue;
      }
      for (rapidjson::SizeType i = 0; i < member.value.Size(); ++i) {
        CheckValue(c, member.value[i], *attribute, where + "[" + std::to_string(i) + "]");
      }
    } else {
      CheckValue(c, member.value, *attribute, where);
    }
    CheckEnum(c, name, member.value, *attribute, object, where, top);
  }
}

void OcsfValidator::CheckValue(Context& c, const Value& value, const Value& attribute,
                               const std::string& path) const {
  const std::string type = Str(*Member(attribute, "type"));
  if (const std::optional<std::string> problem = CheckScalar(value, type)) {
    if (!problem->empty()) c.Error(path + " = " + Describe(value) + " " + *problem);
    return;
  }
  if (!value.IsObject()) {
    c.Error(path + " = " + Describe(value) + " must be an object (" + type + ")");
    return;
  }
  const Value* object = Member(*Member(subset_, "objects"), type);
  if (object == nullptr) {
    // Past the subset's two levels: only its being an object can be checked.
    if (!type.ends_with("_t")) return;
    c.Error(path + " has unknown type " + type);
    return;
  }
  CheckObject(c, value, *Member(*object, "attributes"), path, type, /*top=*/false);
}

void OcsfValidator::CheckEnum(Context& c, const std::string& name, const Value& value,
                              const Value& attribute, const Value& object, const std::string& path,
                              bool top) const {
  const Value* enums = Member(attribute, "enum");
  if (enums == nullptr) return;
  // The subset lists class_uid and category_uid with the base event's values; the class's own
  // are checked in Validate().
  if (top && (name == "class_uid" || name == "category_uid")) return;
  std::string key;
  if (value.IsInt()) {
    key = std::to_string(value.GetInt());
  } else if (value.IsString()) {
    key = Str(value);
  } else {
    return;  // a type error, already reported
  }
  const Value* caption = Member(*enums, key);
  const bool reserved = top && name == "activity_id" && (key == "0" || key == "99");
  if (caption == nullptr && !reserved) {
    c.Error(path + " = " + Describe(value) + " is not one of its enum values");
    return;
  }
  // The sibling string carries the caption, except for Other, where it is the source's word.
  if (!name.ends_with("_id") || key == "99") return;
  const std::string sibling =
      name == "activity_id" ? "activity_name" : name.substr(0, name.size() - 3);
  const Value* text = Member(object, sibling);
  const std::string want = caption != nullptr ? Str(*caption) : "Unknown";
  if (text && text->IsString() && Str(*text) != want) {
    c.Error(path.substr(0, path.size() - name.size()) + sibling + " = " + Describe(*text) +
            " but " + name + " " + key + " is \"" + want + "\"");
  }
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace apisensor::testing
