#include "agent/sensitive/ip_address.h"

#include <string_view>

#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {

bool IsValidIpv4(std::string_view dotted) {
  int octets = 0;
  size_t pos = 0;
  while (true) {
    size_t digits = 0;
    unsigned value = 0;
    while (pos < dotted.size() && IsDigit(dotted[pos]) && digits < 4) {
      value = value * 10 + static_cast<unsigned>(dotted[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    if (digits > 1 && dotted[pos - digits] == '0') return false;
    if (++octets == 4) return pos == dotted.size();
    if (pos >= dotted.size() || dotted[pos] != '.') return false;
    ++pos;
  }
}

bool IsPlausibleIpv6(std::string_view text) {
  if (text.size() < 2 || text.size() > 45) return false;  // 45: longest form with an IPv4 tail
  // An IPv4 tail stands for two groups and must come last.
  bool ipv4_tail = false;
  if (const size_t last_colon = text.rfind(':');
      last_colon != std::string_view::npos &&
      text.find('.', last_colon) != std::string_view::npos) {
    if (!IsValidIpv4(text.substr(last_colon + 1))) return false;
    text = text.substr(0, last_colon + 1);
    ipv4_tail = true;
  }
  const size_t compression = text.find("::");
  if (compression != std::string_view::npos &&
      text.find("::", compression + 1) != std::string_view::npos) {
    return false;
  }
  int groups = ipv4_tail ? 2 : 0;
  bool long_group = ipv4_tail;
  size_t pos = 0;
  while (pos < text.size()) {
    if (pos == compression) {
      pos += 2;
      continue;
    }
    size_t digits = 0;
    while (pos + digits < text.size() && IsHexDigit(text[pos + digits])) ++digits;
    if (digits == 0 || digits > 4) return false;
    ++groups;
    if (digits >= 3) long_group = true;
    pos += digits;
    if (pos == text.size()) break;
    if (pos == compression) continue;
    // A single colon separates groups; it cannot end the text unless an IPv4 tail followed.
    if (text[pos] != ':') return false;
    ++pos;
    if (pos == text.size() && !ipv4_tail) return false;
  }
  if (compression == std::string_view::npos) return groups == 8;
  return groups >= 2 && groups <= 7 && long_group;
}

}  // namespace apisensor::sensitive
