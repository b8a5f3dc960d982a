// A finding as an OCSF Detection Finding (class 2004).
#pragma once

#include "agent/findings/finding.h"
#include "exporters/formats/format_options.h"
#include "exporters/formats/ocsf/ocsf_json.h"

namespace apisensor::exporters::ocsf {

// Writes the whole event object.
void WriteDetectionFinding(JsonOut& out, const findings::Finding& f, const FormatOptions& options);

}  // namespace apisensor::exporters::ocsf
