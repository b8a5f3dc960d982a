#include "agent/k8s/cgroup/cgroup_mount.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace apisensor::k8s {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto octal = [](char c) { return c >= '0' && c <= '7'; };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
      out.push_back(
          static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

}  // namespace

std::optional<std::string> FindCgroup2Mount(std::string_view mountinfo) {
  std::optional<std::string> found;
  while (!mountinfo.empty()) {
    const size_t end = mountinfo.find('\n');
    const std::string_view line = mountinfo.substr(0, end);
    mountinfo = end == std::string_view::npos ? std::string_view() : mountinfo.substr(end + 1);
    // id parent major:minor root mount-point options [optional fields...] - fstype source ...
    const std::vector<std::string_view> f = Fields(line);
    size_t separator = 6;
    while (separator < f.size() && f[separator] != "-") ++separator;
    if (f.size() < 5 || separator + 1 >= f.size() || f[separator + 1] != "cgroup2") continue;
    if (f[3] == "/") return Unescape(f[4]);
    if (!found) found = Unescape(f[4]);
  }
  return found;
}

std::optional<std::string> FindCgroup2Mount() {
  std::ifstream in("/proc/self/mountinfo");
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return FindCgroup2Mount(text.str());
}

}  // namespace apisensor::k8s
