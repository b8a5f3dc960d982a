// The export formats by name, as `format:` in the export config says.
#pragma once

#include <memory>
#include <string_view>

#include "exporters/core/formatter.h"
#include "exporters/formats/format_options.h"

namespace apisensor::exporters {

// "json" (apisensor's own), "ocsf", "cef"; nullptr for an unknown name.
std::unique_ptr<Formatter> MakeFormatter(std::string_view name, const FormatOptions& options);

}  // namespace apisensor::exporters
