#include "agent/sensitive/password_field.h"

#include <string_view>

#include "agent/sensitive/text_chars.h"
#include "agent/text/ascii_case.h"

namespace apisensor::sensitive {
namespace {

// user[password] -> password; user%5Bpassword%5D -> password.
std::string_view LastBracketedPart(std::string_view name) {
  if (text::EndsWithIgnoreAsciiCase(name, "%5d")) {
    name.remove_suffix(3);
    const size_t open = name.size() >= 3 ? name.rfind("%5") : std::string_view::npos;
    if (open != std::string_view::npos && open + 2 < name.size() &&
        ToLower(name[open + 2]) == 'b') {
      return name.substr(open + 3);
    }
    return name;
  }
  if (!name.empty() && name.back() == ']') {
    name.remove_suffix(1);
    const size_t open = name.rfind('[');
    return open == std::string_view::npos ? name : name.substr(open + 1);
  }
  return name;
}

}  // namespace

bool IsPasswordFieldName(std::string_view name) {
  if (name.size() > kMaxFieldNameLength) return false;
  name = LastBracketedPart(name);
  if (name.empty() || name == "PWD") return false;
  for (std::string_view exact : {"pwd", "pass"}) {
    if (text::EqualsIgnoreAsciiCase(name, exact)) return true;
  }
  for (std::string_view suffix : {"password", "passwd", "passphrase", "passcode", "secret"}) {
    if (text::EndsWithIgnoreAsciiCase(name, suffix)) return true;
  }
  for (std::string_view suffix : {"pass", "pwd"}) {
    if (!text::EndsWithIgnoreAsciiCase(name, suffix)) continue;
    const size_t at = name.size() - suffix.size();
    const char before = name[at - 1];  // at > 0: the exact names returned above
    if (before == '_' || before == '-' || before == '.') return true;
    if (IsUpper(name[at]) && IsLower(before)) return true;  // dbPass, userPwd
  }
  return false;
}

bool IsPlaceholderValue(std::string_view value) {
  if (value.empty()) return true;
  bool only_masks = true;
  for (size_t i = 0; i < value.size() && only_masks;) {
    if (value[i] == '*') {
      ++i;
    } else if (value.substr(i, 3) == "\xE2\x80\xA2") {  // U+2022 BULLET
      i += 3;
    } else if (value.substr(i, 6) == "\\u2022" ||
               text::EqualsIgnoreAsciiCase(value.substr(i, 6), "\\u002a")) {
      i += 6;  // the same, JSON-escaped
    } else {
      only_masks = false;
    }
  }
  if (only_masks) return true;
  for (std::string_view marker :
       {"[filtered]", "[redacted]", "<redacted>", "redacted", "null", "undefined"}) {
    if (text::EqualsIgnoreAsciiCase(value, marker)) return true;
  }
  return false;
}

}  // namespace apisensor::sensitive
