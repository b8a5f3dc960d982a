// The `type: syslog` sink in the export config; its keys are in this folder's README.md.
#pragma once

#include <memory>

#include "exporters/core/sink_type.h"

namespace apisensor::exporters {

std::unique_ptr<SinkBuilder> MakeSyslogSinkBuilder();

}  // namespace apisensor::exporters
