// The "webhook" sink type for the export config: its keys (url, secret_file, ca_file,
// insecure_skip_verify, timeout_ms, headers) and formats (json, ocsf). See README.md.
#pragma once

#include <memory>

#include "exporters/core/sink_type.h"

namespace apisensor::exporters {

std::unique_ptr<SinkBuilder> MakeWebhookSinkBuilder();

}  // namespace apisensor::exporters
