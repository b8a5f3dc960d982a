#include "agent/openapi/path_template.h"

namespace apisensor::openapi {
namespace {

// Strips one leading and one trailing '/' so that "/a/b/" and "a/b" cut alike.
std::string_view Trimmed(std::string_view path) {
  if (path.starts_with('/')) path.remove_prefix(1);
  if (path.ends_with('/')) path.remove_suffix(1);
  return path;
}

bool ParseSegment(std::string_view text, TemplateSegment& out, std::vector<std::string>& names,
                  std::string* error) {
  std::vector<std::string> pieces(1);
  size_t parameters = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '}') {
      *error = "'}' without '{'";
      return false;
    }
    if (c != '{') {
      pieces.back().push_back(c);
      ++i;
      continue;
    }
    const size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) {
      *error = "'{' without '}'";
      return false;
    }
    const std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.empty()) {
      *error = "an empty parameter name '{}'";
      return false;
    }
    if (name.find('{') != std::string_view::npos) {
      *error = "'{' inside a parameter name";
      return false;
    }
    names.emplace_back(name);
    ++parameters;
    pieces.emplace_back();
    i = close + 1;
  }
  if (parameters == 0) {
    out.kind = TemplateSegment::Kind::kLiteral;
    out.literal = std::move(pieces.front());
    return true;
  }
  if (parameters == 1 && pieces[0].empty() && pieces[1].empty()) {
    out.kind = TemplateSegment::Kind::kParameter;
    return true;
  }
  out.kind = TemplateSegment::Kind::kPattern;
  for (size_t p = 0; p < pieces.size(); ++p) {
    if (p > 0) out.literal += "{}";  // '{' never occurs in a piece, so the key is unambiguous
    out.literal += pieces[p];
  }
  out.pieces = std::move(pieces);
  return true;
}

}  // namespace

std::optional<ParsedTemplate> ParseTemplate(std::string_view path, size_t max_segments,
                                            size_t max_bytes, std::string* error) {
  std::string scratch;
  if (error == nullptr) error = &scratch;
  if (path.size() > max_bytes) {
    *error = "longer than " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  ParsedTemplate out;
  const std::string_view body = Trimmed(path);
  if (body.empty()) return out;  // "/", "" or "//"
  size_t start = 0;
  while (true) {
    if (out.segments.size() >= max_segments) {
      *error = "more than " + std::to_string(max_segments) + " segments";
      return std::nullopt;
    }
    const size_t slash = body.find('/', start);
    const std::string_view text = body.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    TemplateSegment segment;
    if (!ParseSegment(text, segment, out.parameter_names, error)) return std::nullopt;
    out.segments.push_back(std::move(segment));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool MatchesPattern(std::span<const std::string> pieces, std::string_view segment) {
  if (pieces.size() < 2) return false;
  const std::string& prefix = pieces.front();
  const std::string& suffix = pieces.back();
  size_t fixed = pieces.size() - 1;  // one byte per parameter at least
  for (const std::string& piece : pieces) fixed += piece.size();
  if (segment.size() < fixed || !segment.starts_with(prefix) || !segment.ends_with(suffix)) {
    return false;
  }
  const size_t end = segment.size() - suffix.size();
  size_t pos = prefix.size();
  // Placing each middle piece at its leftmost possible spot leaves the most room for the rest,
  // so if this fails no other placement succeeds.
  for (size_t p = 1; p + 1 < pieces.size(); ++p) {
    const size_t found = segment.find(pieces[p], pos + 1);
    if (found == std::string_view::npos || found + pieces[p].size() > end) return false;
    pos = found + pieces[p].size();
  }
  return end >= pos + 1;
}

std::optional<size_t> SplitPath(std::string_view path, std::span<std::string_view> out) {
  if (const size_t end = path.find_first_of("?#"); end != std::string_view::npos) {
    path = path.substr(0, end);
  }
  const std::string_view body = Trimmed(path);
  if (body.empty()) return 0;
  size_t count = 0;
  size_t start = 0;
  while (true) {
    if (count == out.size()) return std::nullopt;
    const size_t slash = body.find('/', start);
    if (slash == std::string_view::npos) {
      out[count++] = body.substr(start);
      return count;
    }
    out[count++] = body.substr(start, slash - start);
    start = slash + 1;
  }
}

}  // namespace apisensor::openapi
