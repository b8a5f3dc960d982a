// InferredSchema::Serialize / Deserialize: the persisted form.
//
//   {"v":1,"samples":N,"root":NODE}
//   NODE = {"t":types, "f":formats, "o":complete object instances, "d":true (a map),
//           "p":[[key, present, NODE], ...], "a":NODE (map values), "i":NODE (array items)}
//
// Only "t" is always present. Bit values are those of TypeBit and StringFormat, which are
// therefore part of the stored format: never renumber them.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "agent/schema/inferred_schema.h"
#include "agent/schema/property_keys.h"

namespace apisensor::schema {
namespace {

constexpr int kFormatVersion = 1;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(Writer& w, const char* key) { w.Key(key); }

void WriteNode(Writer& w, const SchemaNode& node) {
  w.StartObject();
  Key(w, "t");
  w.Uint(node.types);
  if (node.types & kStringType) {
    Key(w, "f");
    w.Uint(node.formats);
  }
  if (node.objects != 0) {
    Key(w, "o");
    w.Uint64(node.objects);
  }
  if (node.dynamic_keys) {
    Key(w, "d");
    w.Bool(true);
  }
  if (!node.properties.empty()) {
    Key(w, "p");
    w.StartArray();
    for (const SchemaProperty& p : node.properties) {
      w.StartArray();
      w.String(p.key.data(), static_cast<rapidjson::SizeType>(p.key.size()));
      w.Uint64(p.present);
      WriteNode(w, *p.node);
      w.EndArray();
    }
    w.EndArray();
  }
  if (node.values) {
    Key(w, "a");
    WriteNode(w, *node.values);
  }
  if (node.items) {
    Key(w, "i");
    WriteNode(w, *node.items);
  }
  w.EndObject();
}

// Rebuilds nodes from a parsed document, refusing anything Observe() could not have produced
// under `limits`.
class NodeReader {
 public:
  explicit NodeReader(const SchemaLimits& limits) : limits_(limits) {}

  size_t nodes() const { return nodes_; }

  bool Read(const rapidjson::Value& v, size_t depth, SchemaNode& out) {
    if (!v.IsObject() || ++nodes_ > limits_.max_nodes) return false;
    bool has_types = false;
    for (const auto& member : v.GetObject()) {
      const std::string_view name(member.name.GetString(), member.name.GetStringLength());
      const rapidjson::Value& value = member.value;
      if (name == "t" && value.IsUint() && value.GetUint() <= kAllTypes && !has_types) {
        out.types = static_cast<uint8_t>(value.GetUint());
        has_types = true;
      } else if (name == "f" && value.IsUint() && value.GetUint() <= kAllFormats) {
        out.formats = static_cast<uint8_t>(value.GetUint());
      } else if (name == "o" && value.IsUint64() && value.GetUint64() > 0) {
        out.objects = value.GetUint64();
      } else if (name == "d" && value.IsTrue()) {
        out.dynamic_keys = true;
      } else if (name == "p" && value.IsArray() && depth < limits_.max_depth) {
        if (!ReadProperties(value, depth, out)) return false;
      } else if (name == "a" && depth < limits_.max_depth && !out.values) {
        out.values = std::make_unique<SchemaNode>();
        if (!Read(value, depth + 1, *out.values)) return false;
      } else if (name == "i" && depth < limits_.max_depth && !out.items) {
        out.items = std::make_unique<SchemaNode>();
        if (!Read(value, depth + 1, *out.items)) return false;
      } else {
        return false;  // unknown, repeated, out of range, or deeper than the limits allow
      }
    }
    return has_types && Consistent(out);
  }

 private:
  bool ReadProperties(const rapidjson::Value& list, size_t depth, SchemaNode& out) {
    if (!out.properties.empty() || list.Empty() || list.Size() > limits_.max_properties) {
      return false;
    }
    out.properties.reserve(list.Size());
    for (const rapidjson::Value& entry : list.GetArray()) {
      if (!entry.IsArray() || entry.Size() != 3 || !entry[0].IsString() || !entry[1].IsUint64()) {
        return false;
      }
      const std::string_view key(entry[0].GetString(), entry[0].GetStringLength());
      if (key.size() > limits_.max_key_bytes || !IsValidUtf8(key) || out.Find(key) != nullptr) {
        return false;
      }
      auto node = std::make_unique<SchemaNode>();
      if (!Read(entry[2], depth + 1, *node)) return false;
      out.properties.push_back({std::string(key), entry[1].GetUint64(), std::move(node)});
    }
    return true;
  }

  // Fields only ever set together with the type that gives them meaning.
  static bool Consistent(const SchemaNode& n) {
    const bool object = n.types & kObjectType;
    if (n.formats != 0 && !(n.types & kStringType)) return false;
    if ((n.objects != 0 || n.dynamic_keys || !n.properties.empty()) && !object) return false;
    if (n.items && !(n.types & kArrayType)) return false;
    if (n.dynamic_keys ? !n.properties.empty() : n.values != nullptr) return false;
    for (const SchemaProperty& p : n.properties) {
      if (p.present > n.objects) return false;
    }
    return true;
  }

  const SchemaLimits& limits_;
  size_t nodes_ = 0;
};

// Longest text a valid schema under `limits` serializes to: per node its fixed fields plus one
// property entry whose key could be escaped six bytes per byte (\u00XX).
size_t MaxSerializedBytes(const SchemaLimits& limits) {
  constexpr size_t kNodeFields = 128;
  constexpr size_t kEnvelope = 64;
  return kEnvelope + limits.max_nodes * (kNodeFields + 6 * limits.max_key_bytes);
}

}  // namespace

std::string InferredSchema::Serialize() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  Key(w, "v");
  w.Int(kFormatVersion);
  Key(w, "samples");
  w.Uint64(samples_);
  Key(w, "root");
  WriteNode(w, tree_.root());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<InferredSchema> InferredSchema::Deserialize(std::string_view text,
                                                          SchemaLimits limits) {
  InferredSchema schema(limits);
  const SchemaLimits& clamped = schema.limits();
  if (text.size() > MaxSerializedBytes(clamped)) return std::nullopt;
  rapidjson::Document doc;
  // Iterative: a garbage text nested a million deep must not exhaust the call stack.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(),
                                                                                    text.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  // Members are walked rather than looked up, which also catches repeated ones.
  const rapidjson::Value* version = nullptr;
  const rapidjson::Value* samples = nullptr;
  const rapidjson::Value* root = nullptr;
  const rapidjson::Value& envelope = doc;  // const iterators compare unambiguously
  for (const auto& member : envelope.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value** slot = name == "v"         ? &version
                                    : name == "samples" ? &samples
                                    : name == "root"    ? &root
                                                        : nullptr;
    if (slot == nullptr || *slot != nullptr) return std::nullopt;  // unknown or repeated
    *slot = &member.value;
  }
  if (version == nullptr || !version->IsInt() || version->GetInt() != kFormatVersion ||
      samples == nullptr || !samples->IsUint64() || root == nullptr) {
    return std::nullopt;
  }
  SchemaNode node;
  NodeReader reader(clamped);
  if (!reader.Read(*root, 0, node)) return std::nullopt;
  schema.tree_.Reset(std::move(node), reader.nodes(), SchemaStats{});
  schema.samples_ = samples->GetUint64();
  schema.AccountForStructure();
  return schema;
}

}  // namespace apisensor::schema
