#include "parsers/grpc/protobuf_wire.h"

namespace apisensor::grpc {
namespace {

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, const ProtoLimits& limits, size_t& fields_left)
      : bytes_(bytes), limits_(limits), fields_left_(fields_left) {}

  std::optional<std::vector<ProtoField>> Message(int depth) {
    std::vector<ProtoField> fields;
    while (pos_ < bytes_.size()) {
      if (fields_left_ == 0) return std::nullopt;
      --fields_left_;
      const std::optional<uint64_t> key = Varint();
      if (!key || (*key >> 3) == 0 || (*key >> 3) > 0x1fffffff) return std::nullopt;
      ProtoField field;
      field.number = static_cast<uint32_t>(*key >> 3);
      switch (*key & 7) {
        case 0: {
          const std::optional<uint64_t> v = Varint();
          if (!v) return std::nullopt;
          field.kind = ProtoField::Kind::kVarint;
          field.scalar = *v;
          break;
        }
        case 1:
        case 5: {
          const size_t n = (*key & 7) == 1 ? 8 : 4;
          if (bytes_.size() - pos_ < n) return std::nullopt;
          for (size_t i = 0; i < n; ++i) field.scalar |= uint64_t{bytes_[pos_ + i]} << (8 * i);
          pos_ += n;
          field.kind = n == 8 ? ProtoField::Kind::kFixed64 : ProtoField::Kind::kFixed32;
          break;
        }
        case 2: {
          const std::optional<uint64_t> n = Varint();
          if (!n || *n > bytes_.size() - pos_) return std::nullopt;
          const std::span<const uint8_t> inner = bytes_.subspan(pos_, static_cast<size_t>(*n));
          pos_ += static_cast<size_t>(*n);
          Classify(inner, depth, field);
          break;
        }
        default:  // groups (3, 4) are obsolete; 6 and 7 do not exist
          return std::nullopt;
      }
      fields.push_back(std::move(field));
    }
    return fields;
  }

 private:
  std::optional<uint64_t> Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const uint8_t b = bytes_[pos_++];
      v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    return std::nullopt;
  }

  // A length-delimited field is text, a nested message, or bytes: text when it is printable
  // UTF-8 (a message rarely is), else a message when it parses as one, else bytes.
  void Classify(std::span<const uint8_t> inner, int depth, ProtoField& field) {
    if (LooksLikeText(inner)) {
      field.kind = ProtoField::Kind::kString;
    } else if (depth < limits_.max_depth && !inner.empty()) {
      size_t budget = fields_left_;
      Reader nested(inner, limits_, budget);
      if (std::optional<std::vector<ProtoField>> m = nested.Message(depth + 1)) {
        fields_left_ = budget;
        field.kind = ProtoField::Kind::kMessage;
        field.message = std::move(*m);
        return;
      }
      field.kind = ProtoField::Kind::kBytes;
    } else {
      field.kind = ProtoField::Kind::kBytes;
    }
    const size_t keep = std::min(inner.size(), limits_.max_text_bytes);
    field.text.assign(reinterpret_cast<const char*>(inner.data()), keep);
  }

  static bool LooksLikeText(std::span<const uint8_t> s) {
    if (s.empty()) return true;  // an empty string or message: call it a string
    size_t i = 0;
    while (i < s.size()) {
      const uint8_t b = s[i];
      if (b < 0x80) {
        if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return false;
        ++i;
        continue;
      }
      const size_t len = (b & 0xe0) == 0xc0   ? 2
                         : (b & 0xf0) == 0xe0 ? 3
                         : (b & 0xf8) == 0xf0 ? 4
                                              : 0;
      if (len == 0 || i + len > s.size()) return false;
      for (size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xc0) != 0x80) return false;
      }
      i += len;
    }
    return true;
  }

  std::span<const uint8_t> bytes_;
  const ProtoLimits& limits_;
  size_t& fields_left_;
  size_t pos_ = 0;
};

const char* KindName(ProtoField::Kind kind) {
  switch (kind) {
    case ProtoField::Kind::kVarint:
      return "varint";
    case ProtoField::Kind::kFixed64:
      return "fixed64";
    case ProtoField::Kind::kFixed32:
      return "fixed32";
    case ProtoField::Kind::kString:
      return "string";
    case ProtoField::Kind::kBytes:
      return "bytes";
    case ProtoField::Kind::kMessage:
      return "message";
  }
  return "?";
}

void AppendShape(const std::vector<ProtoField>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ' ';
    out += std::to_string(fields[i].number);
    out += ':';
    if (fields[i].kind == ProtoField::Kind::kMessage) {
      out += '{';
      AppendShape(fields[i].message, out);
      out += '}';
    } else {
      out += KindName(fields[i].kind);
    }
  }
}

}  // namespace

std::optional<std::vector<ProtoField>> DecodeProtobuf(std::span<const uint8_t> bytes,
                                                      const ProtoLimits& limits) {
  size_t fields_left = limits.max_fields;
  Reader reader(bytes, limits, fields_left);
  return reader.Message(0);
}

std::string ProtobufShape(const std::vector<ProtoField>& fields) {
  std::string out;
  AppendShape(fields, out);
  return out;
}

}  // namespace apisensor::grpc
