// Turns one export item into the text a destination stores: a JSON object (native or OCSF) or a
// CEF line. Formatters are owned by one sink and used on its worker thread only.
#pragma once

#include <string>

#include "exporters/core/export_item.h"

namespace apisensor::exporters {

class Formatter {
 public:
  virtual ~Formatter() = default;
  // Appends the item's text to `out`, without a line terminator. Returns false (nothing
  // appended) for an item this format cannot express.
  virtual bool Format(const ExportItem& item, std::string& out) = 0;
  // "application/json" for JSON formats; "text/plain" otherwise.
  virtual const char* content_type() const { return "application/json"; }
};

}  // namespace apisensor::exporters
