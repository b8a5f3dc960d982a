// The `splunk_hec` sink type: findings (and exchange summaries) to a Splunk HTTP Event Collector.
// See README.md for its keys and delivery semantics.
#pragma once

#include <memory>

#include "exporters/core/sink_type.h"

namespace apisensor::exporters {

std::unique_ptr<SinkBuilder> MakeSplunkHecSinkBuilder();

}  // namespace apisensor::exporters
