#include "exporters/splunk/hec_batch.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdio>

namespace apisensor::exporters::splunk {
namespace {

uint64_t WallNowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

void Text(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string_view DefaultSourcetype(const ExportItem& item, bool ocsf) {
  if (ocsf) return "apisensor:ocsf";
  return std::holds_alternative<findings::Finding>(item) ? "apisensor:finding"
                                                         : "apisensor:exchange";
}

uint64_t EventTimeNs(const ExportItem& item) {
  if (const auto* finding = std::get_if<findings::Finding>(&item)) return finding->last_seen_ns;
  return std::get<ExchangeSummary>(item).time_ns;
}

size_t WriteHecBatch(std::span<const ExportItemPtr> items, Formatter& formatter,
                     const HecMetadata& metadata, std::string& body) {
  body.clear();
  size_t written = 0;
  std::string event;
  rapidjson::StringBuffer buffer;
  for (const ExportItemPtr& item : items) {
    event.clear();
    if (!formatter.Format(*item, event)) continue;
    uint64_t ns = EventTimeNs(*item);
    if (ns == 0) ns = WallNowNs();
    // Seconds with a millisecond fraction, written as text: a double would round the last digits.
    char time[32];
    const int time_len = std::snprintf(time, sizeof time, "%llu.%03llu",
                                       static_cast<unsigned long long>(ns / 1'000'000'000),
                                       static_cast<unsigned long long>(ns / 1'000'000 % 1000));
    buffer.Clear();
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("time");
    w.RawValue(time, static_cast<size_t>(time_len), rapidjson::kNumberType);
    Text(w, "host", metadata.host);
    Text(w, "source", metadata.source);
    Text(w, "sourcetype",
         metadata.sourcetype.empty() ? DefaultSourcetype(*item, metadata.ocsf)
                                     : std::string_view(metadata.sourcetype));
    if (!metadata.index.empty()) Text(w, "index", metadata.index);
    w.Key("event");
    w.RawValue(event.data(), event.size(), rapidjson::kObjectType);
    w.EndObject();
    body.append(buffer.GetString(), buffer.GetSize());
    body.push_back('\n');  // not needed by HEC; makes captures readable
    ++written;
  }
  return written;
}

}  // namespace apisensor::exporters::splunk
