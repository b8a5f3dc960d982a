#include "exporters/json/utf8.h"

#include <cstdint>

namespace apisensor::exporters {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the well-formed sequence starting at in[i], or 0 (RFC 3629 §4 table).
size_t SequenceLength(std::string_view in, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(in[i + k]); };
  const uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint8_t second_min = 0x80, second_max = 0xBF;  // narrowed to exclude overlongs and surrogates
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (i + length > in.size() || byte(1) < second_min || byte(1) > second_max) return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string_view ValidUtf8(std::string_view in, std::string& scratch) {
  size_t valid = 0;
  while (valid < in.size()) {
    const size_t n = SequenceLength(in, valid);
    if (n == 0) break;
    valid += n;
  }
  if (valid == in.size()) return in;

  scratch.assign(in.substr(0, valid));
  for (size_t i = valid; i < in.size();) {
    const size_t n = SequenceLength(in, i);
    if (n == 0) {
      scratch.append(kReplacement);
      ++i;
    } else {
      scratch.append(in.substr(i, n));
      i += n;
    }
  }
  return scratch;
}

}  // namespace apisensor::exporters
