// An exchange summary as an OCSF API Activity (class 6003) or HTTP Activity (class 4002).
#pragma once

#include "exporters/core/export_item.h"
#include "exporters/formats/format_options.h"
#include "exporters/formats/ocsf/ocsf_json.h"

namespace apisensor::exporters::ocsf {

enum class ExchangeClass { kApiActivity, kHttpActivity };

// Writes the whole event object.
void WriteExchangeEvent(JsonOut& out, const ExchangeSummary& s, ExchangeClass event_class,
                        const FormatOptions& options);

}  // namespace apisensor::exporters::ocsf
