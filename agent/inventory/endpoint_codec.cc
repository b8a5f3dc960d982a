#include "agent/inventory/endpoint_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace apisensor::inventory {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using Value = rapidjson::Value;

void String(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteNames(Writer& w, const CountedNames& names) {
  w.StartObject();
  w.Key("e");
  w.StartArray();
  for (const CountedName& e : names.entries()) {
    w.StartArray();
    String(w, e.name);
    w.Uint64(e.count);
    w.EndArray();
  }
  w.EndArray();
  w.Key("o");
  w.Uint64(names.overflow());
  w.EndObject();
}

void WriteDirection(Writer& w, const DirectionStats& d) {
  w.StartObject();
  w.Key("messages");
  w.Uint64(d.messages);
  w.Key("bytes");
  w.Uint64(d.body_bytes);
  w.Key("max");
  w.Uint64(d.max_body_bytes);
  w.Key("content_types");
  WriteNames(w, d.content_types);
  w.Key("schema");
  String(w, d.schema.Serialize());
  w.Key("sensitive");
  w.Uint(d.sensitive.bits());
  w.EndObject();
}

bool ReadU64(const Value& obj, const char* key, uint64_t& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsUint64()) return false;
  out = it->value.GetUint64();
  return true;
}

bool ReadNames(const Value& v, CountedNames& out) {
  if (!v.IsObject()) return false;
  auto e = v.FindMember("e");
  uint64_t overflow = 0;
  if (e == v.MemberEnd() || !e->value.IsArray() || !ReadU64(v, "o", overflow)) return false;
  for (const Value& pair : e->value.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsUint64()) {
      return false;
    }
    out.Add(std::string_view(pair[0].GetString(), pair[0].GetStringLength()), pair[1].GetUint64());
  }
  out.set_overflow(out.overflow() + overflow);
  return true;
}

bool ReadNamesMember(const Value& obj, const char* key, CountedNames& out) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && ReadNames(it->value, out);
}

bool ReadDirection(const Value& v, const schema::SchemaLimits& limits, DirectionStats& out) {
  if (!v.IsObject()) return false;
  if (!ReadU64(v, "messages", out.messages) || !ReadU64(v, "bytes", out.body_bytes) ||
      !ReadU64(v, "max", out.max_body_bytes) ||
      !ReadNamesMember(v, "content_types", out.content_types)) {
    return false;
  }
  auto schema = v.FindMember("schema");
  if (schema == v.MemberEnd() || !schema->value.IsString()) return false;
  std::optional<schema::InferredSchema> decoded = schema::InferredSchema::Deserialize(
      std::string_view(schema->value.GetString(), schema->value.GetStringLength()), limits);
  if (!decoded) return false;
  out.schema = std::move(*decoded);
  uint64_t bits = 0;
  if (!ReadU64(v, "sensitive", bits) || bits > 0xffff) return false;
  out.sensitive = sensitive::KindSet::FromBits(static_cast<uint16_t>(bits));
  return true;
}

}  // namespace

std::string EncodeCountedNames(const CountedNames& names) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  WriteNames(w, names);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool DecodeCountedNames(std::string_view text, CountedNames& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  CountedNames names;
  if (doc.HasParseError() || !ReadNames(doc, names)) return false;
  out = std::move(names);
  return true;
}

std::string EncodeEndpointStats(const EndpointStats& s) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("v");
  w.Int(kEndpointCodecVersion);
  w.Key("requests");
  w.Uint64(s.requests);
  w.Key("first");
  w.Uint64(s.first_seen_ns);
  w.Key("last");
  w.Uint64(s.last_seen_ns);
  w.Key("status");
  w.StartArray();
  for (const StatusCount& c : s.status_codes) {
    w.StartArray();
    w.Uint(c.status);
    w.Uint64(c.count);
    w.EndArray();
  }
  w.EndArray();
  w.Key("status_overflow");
  w.Uint64(s.status_overflow);
  w.Key("tls");
  w.Uint64(s.tls);
  w.Key("partial");
  w.Uint64(s.partial);
  w.Key("protocols");
  WriteNames(w, s.protocols);
  w.Key("grpc_status");
  WriteNames(w, s.grpc_status);
  w.Key("latency");
  w.StartArray();
  for (const LatencySketch::Bucket& b : s.latency.buckets()) {
    w.StartArray();
    w.Uint(b.index);
    w.Uint64(b.count);
    w.EndArray();
  }
  w.EndArray();
  w.Key("request");
  WriteDirection(w, s.request);
  w.Key("response");
  WriteDirection(w, s.response);
  w.Key("auth");
  w.StartArray();
  for (uint64_t n : s.auth) w.Uint64(n);
  w.EndArray();
  w.Key("auth_carriers");
  WriteNames(w, s.auth_carriers);
  w.Key("jwt_algs");
  WriteNames(w, s.jwt_algs);
  w.Key("jwt_issuers");
  WriteNames(w, s.jwt_issuers);
  w.Key("query_params");
  WriteNames(w, s.query_params);
  w.Key("callers");
  w.StartArray();
  for (const TopCallers::Entry& e : s.callers.entries()) {
    w.StartArray();
    String(w, e.caller);
    w.Uint64(e.count);
    w.Uint64(e.overestimate);
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool DecodeEndpointStats(std::string_view text, const schema::SchemaLimits& limits,
                         EndpointStats& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  uint64_t version = 0;
  if (!ReadU64(doc, "v", version) || version != kEndpointCodecVersion) return false;
  EndpointStats s;
  if (!ReadU64(doc, "requests", s.requests) || !ReadU64(doc, "first", s.first_seen_ns) ||
      !ReadU64(doc, "last", s.last_seen_ns) ||
      !ReadU64(doc, "status_overflow", s.status_overflow) || !ReadU64(doc, "tls", s.tls) ||
      !ReadU64(doc, "partial", s.partial) || !ReadNamesMember(doc, "protocols", s.protocols) ||
      !ReadNamesMember(doc, "grpc_status", s.grpc_status) ||
      !ReadNamesMember(doc, "auth_carriers", s.auth_carriers) ||
      !ReadNamesMember(doc, "jwt_algs", s.jwt_algs) ||
      !ReadNamesMember(doc, "jwt_issuers", s.jwt_issuers) ||
      !ReadNamesMember(doc, "query_params", s.query_params)) {
    return false;
  }
  auto status = doc.FindMember("status");
  if (status == doc.MemberEnd() || !status->value.IsArray()) return false;
  for (const Value& pair : status->value.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsUint() || pair[0].GetUint() > 999 ||
        !pair[1].IsUint64()) {
      return false;
    }
    s.AddStatus(static_cast<uint16_t>(pair[0].GetUint()), pair[1].GetUint64());
  }
  auto latency = doc.FindMember("latency");
  if (latency == doc.MemberEnd() || !latency->value.IsArray()) return false;
  std::vector<LatencySketch::Bucket> buckets;
  for (const Value& pair : latency->value.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsUint() || pair[0].GetUint() > 0xffff ||
        !pair[1].IsUint64()) {
      return false;
    }
    buckets.push_back({static_cast<uint16_t>(pair[0].GetUint()), pair[1].GetUint64()});
  }
  if (!LatencySketch::FromBuckets(buckets, s.latency)) return false;
  auto request = doc.FindMember("request");
  auto response = doc.FindMember("response");
  if (request == doc.MemberEnd() || response == doc.MemberEnd() ||
      !ReadDirection(request->value, limits, s.request) ||
      !ReadDirection(response->value, limits, s.response)) {
    return false;
  }
  auto auth = doc.FindMember("auth");
  if (auth == doc.MemberEnd() || !auth->value.IsArray() || auth->value.Size() != s.auth.size()) {
    return false;
  }
  for (rapidjson::SizeType i = 0; i < auth->value.Size(); ++i) {
    if (!auth->value[i].IsUint64()) return false;
    s.auth[i] = auth->value[i].GetUint64();
  }
  auto callers = doc.FindMember("callers");
  if (callers == doc.MemberEnd() || !callers->value.IsArray()) return false;
  std::vector<TopCallers::Entry> entries;
  for (const Value& e : callers->value.GetArray()) {
    if (!e.IsArray() || e.Size() != 3 || !e[0].IsString() || !e[1].IsUint64() || !e[2].IsUint64()) {
      return false;
    }
    entries.push_back({std::string(e[0].GetString(), e[0].GetStringLength()), e[1].GetUint64(),
                       e[2].GetUint64()});
  }
  s.callers.Restore(std::move(entries));
  out = std::move(s);
  return true;
}

}  // namespace apisensor::inventory
