#include "agent/store/finding_columns.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/k8s/workload_identity.h"

namespace apisensor::store {
namespace {

// SQLite integers are signed; counts and nanosecond times fit in 63 bits.
int64_t AsInt(uint64_t value) { return static_cast<int64_t>(value); }
uint64_t AsUint(int64_t value) { return static_cast<uint64_t>(value); }

// [[key, value], ...], with the pairs in their order.
std::string EncodeEvidence(const findings::Finding& f) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto& [key, value] : f.evidence) {
    w.StartArray();
    w.String(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    w.EndArray();
  }
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

bool DecodeEvidence(std::string_view text, findings::Finding& out) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsArray()) return false;
  for (const auto& pair : doc.GetArray()) {
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
      return false;
    }
    // With their lengths: a value may hold a NUL.
    out.evidence.emplace_back(std::string(pair[0].GetString(), pair[0].GetStringLength()),
                              std::string(pair[1].GetString(), pair[1].GetStringLength()));
  }
  return true;
}

std::optional<findings::Severity> SeverityFromName(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(findings::Severity::kCritical); ++i) {
    const auto severity = static_cast<findings::Severity>(i);
    if (findings::SeverityName(severity) == name) return severity;
  }
  return std::nullopt;
}

}  // namespace

void BindFinding(Statement& statement, int first, const findings::Finding& f) {
  statement.Bind(first, f.id)
      .Bind(first + 1, f.type)
      .Bind(first + 2, findings::SeverityName(f.severity))
      .Bind(first + 3, f.owasp)
      .Bind(first + 4, f.title)
      .Bind(first + 5, f.description)
      .Bind(first + 6, f.service)
      .Bind(first + 7, f.endpoint)
      .Bind(first + 8, f.caller)
      .Bind(first + 9, AsInt(f.first_seen_ns))
      .Bind(first + 10, AsInt(f.last_seen_ns))
      .Bind(first + 11, AsInt(f.count))
      .Bind(first + 12, EncodeEvidence(f))
      .Bind(first + 13, k8s::WorkloadText(f.k8s))
      .Bind(first + 14, k8s::WorkloadText(f.caller_k8s));
}

bool ReadFinding(const Statement& row, int first, findings::Finding& out) {
  out.id = row.Text(first);
  out.type = row.Text(first + 1);
  const std::optional<findings::Severity> severity = SeverityFromName(row.Text(first + 2));
  if (!severity) return false;
  out.severity = *severity;
  out.owasp = row.Text(first + 3);
  out.title = row.Text(first + 4);
  out.description = row.Text(first + 5);
  out.service = row.Text(first + 6);
  out.endpoint = row.Text(first + 7);
  out.caller = row.Text(first + 8);
  out.first_seen_ns = AsUint(row.Int(first + 9));
  out.last_seen_ns = AsUint(row.Int(first + 10));
  out.count = AsUint(row.Int(first + 11));
  return DecodeEvidence(row.Text(first + 12), out) &&
         k8s::ParseWorkloadText(row.Text(first + 13), out.k8s) &&
         k8s::ParseWorkloadText(row.Text(first + 14), out.caller_k8s);
}

}  // namespace apisensor::store
