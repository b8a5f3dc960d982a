// apisensor's own JSON: a finding exactly as GET /v1/findings shows it, an exchange summary with
// the same field names as the ExchangeSummary struct; each object says what it is in "kind".
#pragma once

#include "exporters/core/formatter.h"

namespace apisensor::exporters {

class NativeJsonFormatter final : public Formatter {
 public:
  bool Format(const ExportItem& item, std::string& out) override;
};

}  // namespace apisensor::exporters
