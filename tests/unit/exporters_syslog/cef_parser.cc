#include "tests/unit/exporters_syslog/cef_parser.h"

#include <cctype>
#include <vector>

namespace apisensor::testing {
namespace {

bool IsKeyChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Whether a key followed by an unescaped `=` starts at `at`.
bool KeyStartsAt(std::string_view ext, size_t at) {
  size_t end = at;
  while (end < ext.size() && IsKeyChar(ext[end])) ++end;
  return end > at && end < ext.size() && ext[end] == '=';
}

bool Fail(std::string* error, std::string what) {
  if (error != nullptr) *error = std::move(what);
  return false;
}

// Splits the seven header fields and returns where the extension starts.
bool ParseHeader(std::string_view line, std::vector<std::string>& fields, size_t& ext_start,
                 std::string* error) {
  std::string field;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\n' || c == '\r') return Fail(error, "line break in the header");
    if (c == '\\') {
      if (i + 1 >= line.size() || (line[i + 1] != '\\' && line[i + 1] != '|')) {
        return Fail(error, "bad header escape at " + std::to_string(i));
      }
      field += line[++i];
    } else if (c == '|') {
      fields.push_back(std::move(field));
      field.clear();
      if (fields.size() == 7) {
        ext_start = i + 1;
        return true;
      }
    } else {
      field += c;
    }
  }
  return Fail(error, "fewer than 8 fields");
}

bool ParseExtension(std::string_view ext, std::map<std::string, std::string>& out,
                    std::string* error) {
  size_t i = 0;
  while (i < ext.size()) {
    if (!KeyStartsAt(ext, i)) return Fail(error, "no key at " + std::to_string(i));
    const size_t eq = ext.find('=', i);
    std::string key(ext.substr(i, eq - i));
    std::string value;
    i = eq + 1;
    while (i < ext.size()) {
      const char c = ext[i];
      if (c == '\\') {
        if (i + 1 >= ext.size()) return Fail(error, "value of " + key + " ends in a backslash");
        const char e = ext[i + 1];
        if (e == '\\' || e == '=') {
          value += e;
        } else if (e == 'n') {
          value += '\n';
        } else if (e == 'r') {
          value += '\r';
        } else {
          return Fail(error, std::string("bad escape \\") + e + " in " + key);
        }
        i += 2;
      } else if (c == '=') {
        return Fail(error, "unescaped = in the value of " + key);
      } else if (c == '\n' || c == '\r') {
        return Fail(error, "raw line break in the value of " + key);
      } else if (c == ' ' && KeyStartsAt(ext, i + 1)) {
        ++i;  // the one space between pairs
        break;
      } else {
        value += c;
        ++i;
      }
    }
    if (!out.emplace(key, std::move(value)).second) return Fail(error, "repeated key " + key);
  }
  return true;
}

}  // namespace

std::optional<CefEvent> ParseCef(std::string_view line, std::string* error) {
  if (!line.starts_with("CEF:")) {
    Fail(error, "does not start with CEF:");
    return std::nullopt;
  }
  std::vector<std::string> fields;
  size_t ext_start = 0;
  if (!ParseHeader(line, fields, ext_start, error)) return std::nullopt;
  CefEvent event;
  event.version = fields[0].substr(4);
  event.vendor = fields[1];
  event.product = fields[2];
  event.device_version = fields[3];
  event.signature = fields[4];
  event.name = fields[5];
  event.severity = fields[6];
  if (!ParseExtension(line.substr(ext_start), event.extension, error)) return std::nullopt;
  return event;
}

}  // namespace apisensor::testing
