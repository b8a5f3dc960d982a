// OCSF 1.x JSON: a finding becomes a Detection Finding (2004), an exchange summary an API
// Activity (6003) or HTTP Activity (4002) as FormatOptions::ocsf_exchange_class says. One JSON
// object per item; see README.md for what goes where.
#pragma once

#include <memory>

#include "exporters/core/formatter.h"
#include "exporters/formats/format_options.h"

namespace apisensor::exporters {

// Expresses every item (Format never returns false). An ocsf_exchange_class other than
// "http_activity" means API Activity, the default.
std::unique_ptr<Formatter> MakeOcsfFormatter(const FormatOptions& options);

}  // namespace apisensor::exporters
