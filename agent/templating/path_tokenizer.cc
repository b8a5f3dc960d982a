#include "agent/templating/path_tokenizer.h"

#include <array>
#include <string_view>

namespace apisensor::templating {
namespace {

// RFC 3986 unreserved, sub-delims, ':' and '@': the bytes a path segment may hold unescaped.
// Except ';', which starts the matrix parameters that Tokenize drops: a decoded %3B stays
// escaped so that tokenizing a canonical segment again gives the same segment.
constexpr std::array<bool, 256> MakeSafeTable() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("-._~!$&'()*+,=:@")) t[static_cast<uint8_t>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kSafe = MakeSafeTable();

constexpr size_t kReservedPathBytes = 512;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// '/' ends a segment; '?' and '#' end the path.
constexpr std::array<bool, 256> MakeStopTable() {
  std::array<bool, 256> t{};
  t['/'] = t['?'] = t['#'] = true;
  return t;
}
constexpr std::array<bool, 256> kStop = MakeStopTable();

// A byte loop: segments are short, and std::string_view::find_first_of would call memchr per
// byte.
size_t NextStop(std::string_view path, size_t pos) {
  while (pos < path.size() && !kStop[static_cast<uint8_t>(path[pos])]) ++pos;
  return pos;
}

// "http://host:port/path" (absolute form) → "/path".
std::string_view StripAuthority(std::string_view path) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (StartsWithNoCase(path, scheme)) return path.substr(NextStop(path, scheme.size()));
  }
  return path;
}

}  // namespace

PathTokenizer::PathTokenizer(size_t max_depth, size_t max_segment_bytes)
    : max_depth_(max_depth), max_segment_bytes_(max_segment_bytes) {
  // Sized so that typical paths never grow them: a learned template observed with longer
  // values (a UUID where warm-up saw "7") must not allocate.
  bytes_.reserve(kReservedPathBytes);
  spans_.reserve(max_depth);
  segments_.reserve(max_depth);
}

bool PathTokenizer::AppendCanonical(std::string_view raw) {
  constexpr char kHexDigits[] = "0123456789ABCDEF";
  const size_t start = bytes_.size();
  size_t i = 0;
  while (i < raw.size()) {
    // Runs of safe bytes, the common case, are copied at once.
    size_t run = i;
    while (run < raw.size() && raw[run] != '%' && kSafe[static_cast<uint8_t>(raw[run])]) ++run;
    if (run > i) {
      const size_t room = max_segment_bytes_ - (bytes_.size() - start);
      if (run - i > room) {
        bytes_.append(raw.data() + i, room);
        return true;
      }
      bytes_.append(raw.data() + i, run - i);
      i = run;
      continue;
    }
    uint8_t byte = static_cast<uint8_t>(raw[i]);
    size_t consumed = 1;
    if (byte == '%' && i + 2 < raw.size() && HexValue(raw[i + 1]) >= 0 &&
        HexValue(raw[i + 2]) >= 0) {
      byte = static_cast<uint8_t>(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2]));
      consumed = 3;
    }
    const size_t width = kSafe[byte] ? 1 : 3;
    if (bytes_.size() - start + width > max_segment_bytes_) return true;
    if (width == 1) {
      bytes_.push_back(static_cast<char>(byte));
    } else {
      const char escape[3] = {'%', kHexDigits[byte >> 4], kHexDigits[byte & 15]};
      bytes_.append(escape, 3);
    }
    i += consumed;
  }
  return false;
}

void PathTokenizer::Tokenize(std::string_view path, Mode mode) {
  bytes_.clear();
  spans_.clear();
  segments_.clear();
  too_deep_ = false;
  path = StripAuthority(path);
  // Depth of the path so far, counting segments beyond max_depth that were not stored, so that
  // ".." after them removes them rather than a stored one.
  size_t depth = 0;
  size_t pos = 0;
  bool last = false;
  while (!last && pos < path.size()) {
    const size_t end = NextStop(path, pos);
    std::string_view raw = path.substr(pos, end - pos);
    last = end == path.size() || path[end] != '/';
    pos = end + 1;
    if (raw.empty()) continue;
    if (mode == Mode::kTemplate) {
      if (raw == kTailToken) {
        too_deep_ = true;
        break;
      }
      if (const EdgeKind token = ParseToken(raw); token != EdgeKind::kLiteral) {
        if (++depth <= max_depth_) {
          spans_.push_back({static_cast<uint32_t>(bytes_.size()), 0, token, false});
        }
        continue;
      }
    }
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == ';') {
        raw = raw.substr(0, i);
        break;
      }
    }
    if (raw.empty()) continue;
    const size_t offset = bytes_.size();
    const bool truncated = AppendCanonical(raw);
    const std::string_view text(bytes_.data() + offset, bytes_.size() - offset);
    if (!truncated && (text == "." || text == "..")) {
      const bool up = text == "..";
      bytes_.resize(offset);
      if (up && depth > 0) {
        if (depth == spans_.size()) {
          bytes_.resize(spans_.back().offset);
          spans_.pop_back();
        }
        --depth;
      }
      continue;
    }
    if (++depth > max_depth_) {
      bytes_.resize(offset);
      continue;
    }
    spans_.push_back({static_cast<uint32_t>(offset), static_cast<uint32_t>(bytes_.size() - offset),
                      EdgeKind::kLiteral, truncated});
  }
  if (depth > spans_.size()) too_deep_ = true;
  for (const Span& s : spans_) {
    segments_.push_back(
        {std::string_view(bytes_.data() + s.offset, s.length), s.token, s.truncated});
  }
}

size_t PathTokenizer::MemoryBytes() const {
  return bytes_.capacity() + spans_.capacity() * sizeof(Span) +
         segments_.capacity() * sizeof(PathSegment);
}

}  // namespace apisensor::templating
