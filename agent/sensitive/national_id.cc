#include "agent/sensitive/national_id.h"

#include <string_view>

#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

bool IsValidUsSsn(std::string_view dashed) {
  if (dashed.size() != 11 || dashed[3] != '-' || dashed[6] != '-') return false;
  const std::string_view area = dashed.substr(0, 3);
  const std::string_view group = dashed.substr(4, 2);
  const std::string_view serial = dashed.substr(7, 4);
  if (!AllDigits(area) || !AllDigits(group) || !AllDigits(serial)) return false;
  if (AllZero(area) || area == "666" || area[0] == '9') return false;
  if (AllZero(group) || AllZero(serial)) return false;
  return dashed != "078-05-1120" && dashed != "219-09-9999";
}

bool IsValidUkNino(std::string_view compact) {
  if (compact.size() != 9) return false;
  const char first = compact[0];
  const char second = compact[1];
  if (!IsUpper(first) || !IsUpper(second)) return false;
  constexpr std::string_view kNeverInPrefix = "DFIQUV";
  if (kNeverInPrefix.find(first) != std::string_view::npos ||
      kNeverInPrefix.find(second) != std::string_view::npos || second == 'O') {
    return false;
  }
  const std::string_view prefix = compact.substr(0, 2);
  for (std::string_view unused : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}) {
    if (prefix == unused) return false;
  }
  if (!AllDigits(compact.substr(2, 6))) return false;
  const char suffix = compact[8];
  return suffix >= 'A' && suffix <= 'D';
}

}  // namespace apisensor::sensitive
