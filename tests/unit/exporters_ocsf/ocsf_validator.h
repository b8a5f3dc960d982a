// Checks an OCSF event against the schema subset in tests/data/ocsf (read its README): the class
// its class_uid names, every required attribute present (in nested objects too), every value of
// its attribute's type, every enum value listed, sibling captions matching their ids, type_uid =
// class_uid × 100 + activity_id, profile attributes only with their profile in
// metadata.profiles, and no attribute the class or object does not define (except `unmapped`).
//
// One deliberate allowance: activity_id 0 (Unknown) and 99 (Other). OCSF's dictionary gives
// them to every class; the subset lists only each class's own activities.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace apisensor::testing {

class OcsfValidator {
 public:
  // Reads the subset; throws std::runtime_error when it cannot.
  explicit OcsfValidator(const std::string& subset_path);
  // The subset at APISENSOR_OCSF_SUBSET (set by the tests' CMake).
  static const OcsfValidator& Default();

  // Every problem found in `json`, one line each; empty when the event is valid.
  std::vector<std::string> Validate(std::string_view json) const;
  std::vector<std::string> Validate(const rapidjson::Value& event) const;

  std::string schema_version() const;
  // The subset itself ({"classes": ..., "objects": ...}), for tests that walk its enums.
  const rapidjson::Value& subset() const { return subset_; }

 private:
  struct Context;
  void CheckObject(Context& c, const rapidjson::Value& object, const rapidjson::Value& attributes,
                   const std::string& path, std::string_view defined_by, bool top) const;
  void CheckValue(Context& c, const rapidjson::Value& value, const rapidjson::Value& attribute,
                  const std::string& path) const;
  void CheckEnum(Context& c, const std::string& name, const rapidjson::Value& value,
                 const rapidjson::Value& attribute, const rapidjson::Value& object,
                 const std::string& path, bool top) const;

  rapidjson::Document subset_;
};

// Joined for test failure messages.
std::string JoinLines(const std::vector<std::string>& lines);

}  // namespace apisensor::testing
