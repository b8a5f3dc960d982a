#include "agent/sensitive/json_shape.h"

#include <string_view>

#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

class JsonValidator {
 public:
  explicit JsonValidator(std::string_view json) : json_(json) {}

  bool TopLevelObjectHas(std::string_view name) {
    SkipWhitespace();
    bool found = false;
    if (!Object(1, name, &found)) return false;
    SkipWhitespace();
    return pos_ == json_.size() && found;
  }

 private:
  char Peek() const { return CharAt(json_, pos_); }

  void SkipWhitespace() {
    while (pos_ < json_.size()) {
      const char c = json_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  bool Consume(char expected) {
    if (Peek() != expected) return false;
    ++pos_;
    return true;
  }

  bool Literal(std::string_view word) {
    if (json_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Leaves the raw (still escaped) contents in `contents`.
  bool String(std::string_view* contents) {
    if (!Consume('"')) return false;
    const size_t start = pos_;
    while (pos_ < json_.size()) {
      const unsigned char c = static_cast<unsigned char>(json_[pos_]);
      if (c == '"') {
        if (contents != nullptr) *contents = json_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        const char escape = Peek();
        if (escape == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (!IsHexDigit(CharAt(json_, pos_ + i))) return false;
          }
          pos_ += 5;
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(escape) == std::string_view::npos) return false;
      }
      ++pos_;
    }
    return false;
  }

  bool Digits() {
    const size_t start = pos_;
    while (IsDigit(Peek())) ++pos_;
    return pos_ > start;
  }

  bool Number() {
    if (Peek() == '-') ++pos_;
    if (Peek() == '0') {
      ++pos_;
    } else if (!Digits()) {
      return false;
    }
    if (Peek() == '.') {
      ++pos_;
      if (!Digits()) return false;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!Digits()) return false;
    }
    return true;
  }

  // `is_string` (may be null) tells the caller whether the value was a string.
  bool Value(int depth, bool* is_string) {
    if (is_string != nullptr) *is_string = false;
    switch (Peek()) {
      case '{':
        return Object(depth + 1, {}, nullptr);
      case '[':
        return Array(depth + 1);
      case '"':
        if (is_string != nullptr) *is_string = true;
        return String(nullptr);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  bool Array(int depth) {
    if (depth > kMaxJsonDepth || !Consume('[')) return false;
    SkipWhitespace();
    if (Consume(']')) return true;
    while (true) {
      SkipWhitespace();
      if (!Value(depth, nullptr)) return false;
      SkipWhitespace();
      if (Consume(']')) return true;
      if (!Consume(',')) return false;
    }
  }

  // Sets *found when a member named `wanted` has a string value (only asked at the top level).
  bool Object(int depth, std::string_view wanted, bool* found) {
    if (depth > kMaxJsonDepth || !Consume('{')) return false;
    SkipWhitespace();
    if (Consume('}')) return true;
    while (true) {
      SkipWhitespace();
      std::string_view name;
      if (!String(&name)) return false;
      SkipWhitespace();
      if (!Consume(':')) return false;
      SkipWhitespace();
      bool is_string = false;
      if (!Value(depth, &is_string)) return false;
      if (found != nullptr && is_string && name == wanted) *found = true;
      SkipWhitespace();
      if (Consume('}')) return true;
      if (!Consume(',')) return false;
    }
  }

  std::string_view json_;
  size_t pos_ = 0;
};

}  // namespace

bool JsonObjectHasStringMember(std::string_view json, std::string_view name) {
  return JsonValidator(json).TopLevelObjectHas(name);
}

}  // namespace apisensor::sensitive
