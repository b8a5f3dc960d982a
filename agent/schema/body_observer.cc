#include "agent/schema/body_observer.h"

#include <rapidjson/reader.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "agent/schema/property_keys.h"
#include "agent/schema/string_formats.h"

namespace apisensor::schema {
namespace {

// In situ: strings are unescaped inside a private copy of the body, so the parser neither copies
// them to its stack nor bounds-checks every byte (the copy ends in a NUL), about twice as fast.
// Numbers as strings: integer or number is decided by the literal, and no value is converted.
// Recursive rather than iterative (10 % faster): the handler bounds the recursion instead.
constexpr unsigned kParseFlags =
    rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;

// RapidJSON's recursive parser takes a few hundred bytes of call stack per nesting level; the
// handler stops it at this depth, far beyond any real body and any SchemaLimits::max_depth.
constexpr size_t kNestingCeiling = 256;

// Per-thread copy of the body being parsed; a larger one than this is released after use, so one
// outsized body does not pin its size for the life of the thread.
constexpr size_t kRetainedBufferBytes = 64 * 1024;

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool CanStartJsonValue(char c) {
  switch (c) {
    case '{':
    case '[':
    case '"':
    case '-':
    case 't':
    case 'f':
    case 'n':
      return true;
    default:
      return IsDigit(c);
  }
}

bool IsNumberByte(char c) {
  return IsDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

// The SAX handler. Frames mirror the open containers being recorded; containers that are not
// recorded (over a cap, or inside one that is not) are only counted through skip_depth_, so the
// parse continues past them at no memory cost.
class Observer {
 public:
  explicit Observer(SchemaTree& tree) : tree_(tree), limits_(tree.limits()) {}

  bool recorded() const { return recorded_; }

  bool Null() { return Scalar(kNullType); }
  bool Bool(bool) { return Scalar(kBooleanType); }
  // Numbers arrive as RawNumber; these complete the handler interface RapidJSON expects.
  bool Int(int) { return Scalar(kIntegerType); }
  bool Uint(unsigned) { return Scalar(kIntegerType); }
  bool Int64(int64_t) { return Scalar(kIntegerType); }
  bool Uint64(uint64_t) { return Scalar(kIntegerType); }
  bool Double(double) { return Scalar(kNumberType); }
  bool RawNumber(const char* literal, rapidjson::SizeType length, bool) {
    // By the literal, as JSON writers choose it: `2` is an integer, `2.0` and `2e0` are numbers.
    for (rapidjson::SizeType i = 0; i < length; ++i) {
      if (literal[i] == '.' || literal[i] == 'e' || literal[i] == 'E') {
        return Scalar(kNumberType);
      }
    }
    return Scalar(kIntegerType);
  }

  bool String(const char* text, rapidjson::SizeType length, bool) {
    SchemaNode* node = NextSlot();
    if (node == nullptr) return true;
    const std::string_view value(text, length);
    if (!(node->types & kStringType)) {
      node->types |= kStringType;
      node->formats = MatchFormats(value, kAllFormats);
    } else if (node->formats != 0) {
      node->formats &= MatchFormats(value, node->formats);
    }
    recorded_ = true;
    return true;
  }

  bool StartObject() { return StartContainer(kObjectType); }
  bool StartArray() { return StartContainer(kArrayType); }

  bool Key(const char* text, rapidjson::SizeType length, bool) {
    if (skip_depth_ > 0) return true;
    Frame& frame = frames_[depth_ - 1];
    SchemaNode& object = *frame.node;
    pending_ = nullptr;
    if (object.dynamic_keys) {
      pending_ = tree_.ValuesOf(object);
      return true;
    }
    const std::string_view key(text, length);
    const size_t index = FindProperty(object, frame.next_property, key);
    if (index < object.properties.size()) {
      Hold(frame, index);
      return true;
    }
    // A new key that cannot be a field name means the object is keyed by data. The verdict
    // depends only on the keys, never on their order, so merging stays exact.
    if (length > limits_.max_key_bytes) {
      ++tree_.stats().key_cap_hits;
      BecomeMap(frame);
    } else if (!IsValidUtf8(key)) {
      ++tree_.stats().invalid_keys;
      BecomeMap(frame);
    } else if (LooksLikeDynamicKey(key)) {
      BecomeMap(frame);
    } else if (object.properties.size() >= limits_.max_properties) {
      ++tree_.stats().property_cap_hits;
      BecomeMap(frame);
    } else if (tree_.AddProperty(object, key) != nullptr) {
      Hold(frame, object.properties.size() - 1);
    }
    return true;
  }

  bool EndObject(rapidjson::SizeType) {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    // Only a closing brace makes an instance: one cut short never counts, either way.
    Frame& frame = frames_[--depth_];
    SchemaNode& object = *frame.node;
    ++object.objects;
    for (uint64_t seen = frame.seen; seen != 0; seen &= seen - 1) {
      ++object.properties[static_cast<size_t>(std::countr_zero(seen))].present;
    }
    return true;
  }

  bool EndArray(rapidjson::SizeType) {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      --depth_;
    }
    return true;
  }

 private:
  struct Frame {
    SchemaNode* node;
    uint64_t seen;         // objects: bit i set when properties[i] was in this instance
    size_t next_property;  // objects: where the next key most likely is (same order as before)
    size_t elements;       // arrays: elements met so far
    bool is_object;
  };

  // Steady state meets keys in the order of last time, so the expected slot is tried first.
  static size_t FindProperty(const SchemaNode& object, size_t expected, std::string_view key) {
    const std::vector<SchemaProperty>& properties = object.properties;
    if (expected < properties.size() && SameKey(properties[expected].key, key)) return expected;
    for (size_t i = 0; i < properties.size(); ++i) {
      if (SameKey(properties[i].key, key)) return i;
    }
    return properties.size();
  }

  // Keys are short: comparing them inline, eight bytes at a time, beats a call to memcmp, which
  // was a fifth of the steady-state time.
  static bool SameKey(const std::string& stored, std::string_view key) {
    size_t n = stored.size();
    if (n != key.size()) return false;
    const char* a = stored.data();
    const char* b = key.data();
    for (; n >= 8; n -= 8, a += 8, b += 8) {
      uint64_t x;
      uint64_t y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y) return false;
    }
    for (; n > 0; --n) {
      if (*a++ != *b++) return false;
    }
    return true;
  }

  void Hold(Frame& frame, size_t index) {
    frame.seen |= uint64_t{1} << index;
    frame.next_property = index + 1;
    pending_ = frame.node->properties[index].node.get();
  }

  void BecomeMap(Frame& frame) {
    tree_.MakeMap(*frame.node);
    frame.seen = 0;
    pending_ = tree_.ValuesOf(*frame.node);
  }

  // The node the next value records into, or null when it is not recorded.
  SchemaNode* NextSlot() {
    if (skip_depth_ > 0) return nullptr;
    if (depth_ == 0) return &tree_.root();
    Frame& frame = frames_[depth_ - 1];
    if (frame.is_object) return std::exchange(pending_, nullptr);
    if (frame.elements >= limits_.max_array_items_examined) {
      if (frame.elements == limits_.max_array_items_examined) ++tree_.stats().array_items_skipped;
      frame.elements = limits_.max_array_items_examined + 1;
      return nullptr;
    }
    ++frame.elements;
    return tree_.ItemsOf(*frame.node);
  }

  bool Scalar(uint8_t type) {
    if (SchemaNode* node = NextSlot()) {
      node->types |= type;
      recorded_ = true;
    }
    return true;
  }

  bool StartContainer(uint8_t type) {
    if (depth_ + skip_depth_ >= kNestingCeiling) {
      ++tree_.stats().too_deep;
      return false;  // stops the parse
    }
    SchemaNode* node = NextSlot();
    if (node == nullptr) {
      ++skip_depth_;
      return true;
    }
    node->types |= type;
    recorded_ = true;
    if (depth_ >= limits_.max_depth) {
      ++tree_.stats().depth_cap_hits;
      ++skip_depth_;
      return true;
    }
    frames_[depth_++] = Frame{node, 0, 0, 0, type == kObjectType};
    return true;
  }

  SchemaTree& tree_;
  const SchemaLimits& limits_;
  std::array<Frame, SchemaLimits::kDepthCeiling> frames_;
  size_t depth_ = 0;
  size_t skip_depth_ = 0;
  SchemaNode* pending_ = nullptr;
  bool recorded_ = false;
};

}  // namespace

bool ObserveBody(SchemaTree& tree, std::string_view body, bool complete) {
  SchemaStats& stats = tree.stats();
  size_t begin = 0;
  if (body.starts_with("\xEF\xBB\xBF")) begin = 3;  // a UTF-8 byte order mark
  while (begin < body.size() && IsJsonWhitespace(body[begin])) ++begin;
  if (begin == body.size() || !CanStartJsonValue(body[begin])) {
    ++stats.not_json;
    return false;
  }
  size_t end = body.size();
  if (!complete && IsDigit(body[end - 1])) {
    // A body cut right after a digit may have cut a number (`12` of `12.5`): drop the run. Inside
    // a string or key, the dropped bytes would not have been reported anyway.
    while (end > begin && IsNumberByte(body[end - 1])) --end;
  }

  // One reader and buffer per thread: both keep their capacity, so steady parsing does not
  // allocate.
  thread_local rapidjson::Reader reader;
  thread_local std::string buffer;
  buffer.assign(body.data() + begin, end - begin);
  Observer observer(tree);
  rapidjson::InsituStringStream stream(buffer.data());
  const rapidjson::ParseResult result = reader.Parse<kParseFlags>(stream, observer);
  if (buffer.capacity() > kRetainedBufferBytes) std::string().swap(buffer);
  if (!result.IsError() || result.Code() == rapidjson::kParseErrorTermination) {
    return observer.recorded();
  }

  // Where the parser stopped reading, not where it places the error (an escape cut short is
  // reported at its backslash).
  const bool ran_out = stream.Tell() >= end - begin || result.Offset() >= end - begin;
  if (ran_out && !complete) {
    ++stats.truncated;
  } else if (observer.recorded()) {
    ++stats.malformed;
  } else {
    ++stats.not_json;
  }
  return observer.recorded();
}

}  // namespace apisensor::schema
