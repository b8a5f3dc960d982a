// The body of one HEC request: the batch's items as concatenated HEC event objects,
//   {"time":1700000000.123,"host":"node1","source":"apisensor","sourcetype":"apisensor:finding",
//    "index":"security","event":{...what the formatter wrote...}}
// which is the form /services/collector/event takes for many events in one POST.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "exporters/core/export_item.h"
#include "exporters/core/formatter.h"

namespace apisensor::exporters::splunk {

struct HecMetadata {
  std::string host;
  std::string source = "apisensor";
  std::string sourcetype;  // empty: by format and item kind (see DefaultSourcetype)
  std::string index;       // empty: the token's default index
  bool ocsf = false;       // the formatter writes OCSF
};

// "apisensor:ocsf" for OCSF; else "apisensor:finding" / "apisensor:exchange" by item kind.
std::string_view DefaultSourcetype(const ExportItem& item, bool ocsf);

// The event time: a finding's last sighting, an exchange's first byte (wall clock, ns).
uint64_t EventTimeNs(const ExportItem& item);

// Writes each item the formatter can express into `body` (replaced); returns how many.
size_t WriteHecBatch(std::span<const ExportItemPtr> items, Formatter& formatter,
                     const HecMetadata& metadata, std::string& body);

}  // namespace apisensor::exporters::splunk
