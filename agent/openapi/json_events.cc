#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <optional>
#include <string>

#include "agent/openapi/document_readers.h"

namespace apisensor::openapi {
namespace {

using Kind = YamlTree::Kind;

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Turns byte offsets, which only grow, into lines and columns without rescanning.
class LineTracker {
 public:
  explicit LineTracker(std::string_view text) : text_(text) {}

  TextPosition At(size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < scanned_) {  // only for the error offset, which may lag behind
      scanned_ = 0;
      line_ = 1;
      line_start_ = 0;
    }
    for (; scanned_ < offset; ++scanned_) {
      if (text_[scanned_] == '\n') {
        ++line_;
        line_start_ = scanned_ + 1;
      }
    }
    return {line_, static_cast<int>(offset - line_start_) + 1};
  }

 private:
  std::string_view text_;
  size_t scanned_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

// RapidJSON SAX handler. A cap error cannot cross RapidJSON (it is not written for exceptions):
// it is kept, parsing stops, and it is thrown afterwards.
class JsonEvents : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, JsonEvents> {
 public:
  JsonEvents(TreeBuilder& builder, const rapidjson::MemoryStream& stream, LineTracker& lines,
             size_t base)
      : builder_(builder), stream_(stream), lines_(lines), base_(base) {}

  bool Null() {
    return Guard([&] { builder_.Leaf(Here(), 0, Kind::kNull, {}); });
  }
  bool Bool(bool value) {
    return Guard([&] { builder_.Leaf(Here(), 0, Kind::kScalar, value ? "true" : "false"); });
  }
  // With kParseNumbersAsStringsFlag numbers arrive as their text ("3.0" stays "3.0").
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    return String(text, length, false);
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    return Guard([&] { builder_.Leaf(Here(), 0, Kind::kScalar, {text, length}); });
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return String(text, length, copy);
  }
  bool StartObject() {
    return Guard([&] { builder_.Open(Here(), 0, Kind::kMap); });
  }
  bool EndObject(rapidjson::SizeType) {
    return Guard([&] { builder_.Close(); });
  }
  bool StartArray() {
    return Guard([&] { builder_.Open(Here(), 0, Kind::kSequence); });
  }
  bool EndArray(rapidjson::SizeType) {
    return Guard([&] { builder_.Close(); });
  }

  const std::optional<YamlError>& cap_error() const { return cap_error_; }

 private:
  TextPosition Here() { return lines_.At(base_ + stream_.Tell()); }

  template <typename Event>
  bool Guard(Event&& event) {
    try {
      event();
      return true;
    } catch (const YamlError& e) {
      cap_error_ = e;
      return false;
    }
  }

  TreeBuilder& builder_;
  const rapidjson::MemoryStream& stream_;
  LineTracker& lines_;
  size_t base_;
  std::optional<YamlError> cap_error_;
};

std::string_view WithoutByteOrderMark(std::string_view text) {
  return text.starts_with(kByteOrderMark) ? text.substr(kByteOrderMark.size()) : text;
}

}  // namespace

bool LooksLikeJson(std::string_view text) {
  text = WithoutByteOrderMark(text);
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[';
  }
  return false;
}

std::optional<YamlError> ReadJsonDocument(std::string_view text, TreeBuilder& builder) {
  const std::string_view body = WithoutByteOrderMark(text);
  const size_t base = text.size() - body.size();
  rapidjson::MemoryStream stream(body.data(), body.size());
  LineTracker lines(text);
  JsonEvents events(builder, stream, lines, base);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, events);
  if (events.cap_error()) throw *events.cap_error();
  if (!result) {
    std::string message = rapidjson::GetParseError_En(result.Code());
    if (message.ends_with('.')) message.pop_back();
    const TextPosition at = lines.At(base + result.Offset());
    return YamlError(at.line, at.column, "invalid JSON: " + message);
  }
  return std::nullopt;
}

}  // namespace apisensor::openapi
