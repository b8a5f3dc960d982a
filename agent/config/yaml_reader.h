// Strict reading of YAML configuration: every error is one sentence that names the file and the
// setting ("agent.yaml: sinks[1].port must be between 1 and 65535"), and a key nobody reads is
// refused with the list of known ones, so a typo never silently leaves a default in place.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::config {

class YamlReader {
 public:
  using Handler = std::function<void(const YAML::Node&, const std::string&)>;

  explicit YamlReader(std::string source) : source_(std::move(source)) {}

  const std::string& source() const { return source_; }

  // Parses `text`; a syntax error becomes one sentence with its line.
  YAML::Node Parse(std::string_view text) const;

  [[noreturn]] void Fail(const std::string& where, const std::string& what) const;

  template <typename T>
  T Number(const YAML::Node& node, const std::string& where, T min, T max) const {
    T value{};
    try {
      value = node.as<T>();
    } catch (const YAML::Exception&) {
      Fail(where, "must be a number");
    }
    if (value < min || value > max) {
      std::ostringstream range;
      range << "must be between " << min << " and " << max;
      Fail(where, range.str());
    }
    return value;
  }

  std::string String(const YAML::Node& node, const std::string& where) const;
  bool Bool(const YAML::Node& node, const std::string& where) const;
  std::vector<std::string> StringList(const YAML::Node& node, const std::string& where) const;
  // One of `choices`, else an error listing them.
  std::string Choice(const YAML::Node& node, const std::string& where,
                     const std::vector<std::string_view>& choices) const;

  // Calls the handler of each key of `map`; a key without a handler is an error.
  void Section(const YAML::Node& map, const std::string& where,
               const std::map<std::string, Handler>& handlers) const;
  // Fails unless `map` (a mapping) has `key`.
  void Require(const YAML::Node& map, const std::string& where, const std::string& key) const;

 private:
  std::string source_;
};

// The whole text of `path`; throws one sentence naming `what` ("the detector config") when it
// cannot be read.
std::string ReadConfigFile(const std::string& path, std::string_view what);

}  // namespace apisensor::config
