// The "file" sink type for the export config: its keys (path, max_bytes, keep, fsync) and formats
// (json, ocsf). See README.md.
#pragma once

#include <memory>

#include "exporters/core/sink_type.h"

namespace apisensor::exporters {

std::unique_ptr<SinkBuilder> MakeFileSinkBuilder();

}  // namespace apisensor::exporters
