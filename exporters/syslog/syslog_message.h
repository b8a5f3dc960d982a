// RFC 5424 messages: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG`, no structured data,
// MSG being the formatter's text (a CEF line or a JSON object) without a BOM, as CEF receivers
// expect the line to start with "CEF:".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/core/export_item.h"

namespace apisensor::exporters::syslog {

// local4 (20): a local facility, so the receiver routes apisensor's events by facility without
// mixing them with the host's own auth or daemon logs.
inline constexpr int kDefaultFacility = 20;

// "kern" (0) .. "local7" (23), RFC 5424 table 1 with the usual short names.
const std::vector<std::string_view>& FacilityNames();
std::optional<int> FacilityFromName(std::string_view name);

// critical 2 (Critical), high 3 (Error), medium 4 (Warning), low 5 (Notice), info and exchange
// summaries 6 (Informational).
int SyslogSeverity(const ExportItem& item);

struct HeaderFields {
  int facility = kDefaultFacility;
  std::string hostname;  // already a valid header field (see HeaderField)
  std::string app_name;
  std::string procid;
};

// `text` as an RFC 5424 header field: printable US-ASCII without spaces (anything else becomes
// '_'), at most `max` bytes, "-" (the nil value) when empty.
std::string HeaderField(std::string_view text, size_t max);

// Appends the header and the separating space: TIMESTAMP is when the item happened (a finding's
// last sighting, an exchange's first byte), in UTC with microseconds (TIME-SECFRAC allows at most
// six digits); `now_ns` stands in when the item has no time. MSGID is the finding type or
// "exchange".
void AppendHeader(const HeaderFields& fields, const ExportItem& item, uint64_t now_ns,
                  std::string& out);

// Cuts `message` to at most `max_bytes` bytes, never inside a UTF-8 sequence and never between a
// backslash and the character it escapes. Returns whether anything was cut.
bool Truncate(std::string& message, size_t max_bytes);

}  // namespace apisensor::exporters::syslog
