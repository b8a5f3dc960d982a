#include "exporters/formats/cef/cef_text.h"

#include <cstdint>

#include "exporters/json/utf8.h"

namespace apisensor::exporters::cef {
namespace {

bool IsControl(uint8_t c) { return c < 0x20 || c == 0x7F; }

// Line breaks survive only in extension values, where they have an escape.
bool Keeps(uint8_t c, Part part) { return part == Part::kExtension && (c == '\n' || c == '\r'); }

}  // namespace

std::string CleanValue(std::string_view value, size_t max_bytes, Part part) {
  std::string scratch;
  std::string out(ValidUtf8(value, scratch));
  for (char& ch : out) {
    const auto c = static_cast<uint8_t>(ch);
    if (IsControl(c) && !Keeps(c, part)) ch = ' ';
  }
  if (out.size() > max_bytes) {
    size_t cut = max_bytes;
    // Back to the first byte of the sequence the cut falls in, which then goes too.
    while (cut > 0 && (static_cast<uint8_t>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out;
}

void AppendEscaped(std::string_view value, size_t max_bytes, Part part, std::string& out) {
  const std::string clean = CleanValue(value, max_bytes, part);
  out.reserve(out.size() + clean.size() + 8);
  for (const char c : clean) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '|':
        out += part == Part::kHeader ? "\\|" : "|";
        break;
      case '=':
        out += part == Part::kExtension ? "\\=" : "=";
        break;
      case '\n':
        out += "\\n";  // only reached in extension values: CleanValue made it a space in headers
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace apisensor::exporters::cef
