#include "exporters/json/utf8.h"

#include <cstdint>
#include <cstring>

namespace apisensor::exporters {
namespace {

// Length of the all-ASCII prefix of `in`. Header names and values are nearly always ASCII, so
// testing the high bit of eight bytes at once skips the per-sequence walk for almost every byte.
size_t AsciiPrefix(std::string_view in) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + sizeof(uint64_t) <= in.size(); i += sizeof(uint64_t)) {
    uint64_t word;
    std::memcpy(&word, in.data() + i, sizeof(word));  // unaligned load without aliasing trouble
    if ((word & kHighBits) != 0) break;
  }
  while (i < in.size() && static_cast<uint8_t>(in[i]) < 0x80) ++i;
  return i;
}

}  // namespace

// RFC 3629 §4 table.
size_t Utf8SequenceLength(std::string_view in, size_t i) {
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

std::string_view ValidUtf8(std::string_view in, std::string& scratch) {
  size_t valid = AsciiPrefix(in);
  while (valid < in.size()) {
    const size_t n = Utf8SequenceLength(in, valid);
    if (n == 0) break;
    valid += n;
  }
  if (valid == in.size()) return in;

  scratch.assign(in.substr(0, valid));
  for (size_t i = valid; i < in.size();) {
    const size_t n = Utf8SequenceLength(in, i);
    if (n == 0) {
      scratch.append(kUtf8Replacement);
      ++i;
    } else {
      scratch.append(in.substr(i, n));
      i += n;
    }
  }
  return scratch;
}

}  // namespace apisensor::exporters
