#include "exporters/syslog/syslog_message.h"

#include <cstdint>

#include "exporters/json/rfc3339.h"

namespace apisensor::exporters::syslog {
namespace {

constexpr size_t kMsgIdMax = 32;
constexpr size_t kSecondsAndMicros = 26;  // "2026-11-23T10:00:00.123456"

uint64_t ItemTimeNs(const ExportItem& item) {
  if (const auto* finding = std::get_if<findings::Finding>(&item)) return finding->last_seen_ns;
  return std::get<ExchangeSummary>(item).time_ns;
}

}  // namespace

const std::vector<std::string_view>& FacilityNames() {
  static const std::vector<std::string_view> kNames = {
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
      "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
      "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};
  return kNames;
}

std::optional<int> FacilityFromName(std::string_view name) {
  const auto& names = FacilityNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

int SyslogSeverity(const ExportItem& item) {
  const auto* finding = std::get_if<findings::Finding>(&item);
  if (finding == nullptr) return 6;
  switch (finding->severity) {
    case findings::Severity::kCritical:
      return 2;
    case findings::Severity::kHigh:
      return 3;
    case findings::Severity::kMedium:
      return 4;
    case findings::Severity::kLow:
      return 5;
    case findings::Severity::kInfo:
      return 6;
  }
  return 6;
}

std::string HeaderField(std::string_view text, size_t max) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    if (c < 33 || c > 126) c = '_';
  }
  return out.empty() ? "-" : out;
}

void AppendHeader(const HeaderFields& fields, const ExportItem& item, uint64_t now_ns,
                  std::string& out) {
  out += '<';
  out += std::to_string(fields.facility * 8 + SyslogSeverity(item));
  out += ">1 ";
  const uint64_t time_ns = ItemTimeNs(item);
  char time[kRfc3339NanosSize];
  out += FormatRfc3339Nanos(time_ns != 0 ? time_ns : now_ns, time).substr(0, kSecondsAndMicros);
  out += "Z ";
  out += fields.hostname;
  out += ' ';
  out += fields.app_name;
  out += ' ';
  out += fields.procid;
  out += ' ';
  if (const auto* finding = std::get_if<findings::Finding>(&item)) {
    out += HeaderField(finding->type, kMsgIdMax);
  } else {
    out += "exchange";
  }
  out += " - ";
}

bool Truncate(std::string& message, size_t max_bytes) {
  if (message.size() <= max_bytes) return false;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<uint8_t>(message[cut]) & 0xC0) == 0x80) --cut;
  // An odd run of backslashes before the cut ends in one whose escaped character was cut off.
  size_t backslashes = 0;
  while (backslashes < cut && message[cut - 1 - backslashes] == '\\') ++backslashes;
  if (backslashes % 2 == 1) --cut;
  message.resize(cut);
  return true;
}

}  // namespace apisensor::exporters::syslog
