// A strict CEF reader for tests: it takes a line apart exactly as the ArcSight CEF specification
// says and refuses anything the specification does not allow (an unescaped `=` in a value, an
// unknown escape, a line break), so a formatter bug shows up as a parse error, not a near miss.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace apisensor::testing {

struct CefEvent {
  std::string version;  // the "0" of "CEF:0"
  std::string vendor;
  std::string product;
  std::string device_version;
  std::string signature;
  std::string name;
  std::string severity;
  std::map<std::string, std::string> extension;  // unescaped values

  // The value of `key`, "" when absent.
  std::string Get(const std::string& key) const {
    auto it = extension.find(key);
    return it == extension.end() ? "" : it->second;
  }
};

// nullopt with `error` set (when given) if `line` is not a well-formed CEF line.
std::optional<CefEvent> ParseCef(std::string_view line, std::string* error = nullptr);

}  // namespace apisensor::testing
