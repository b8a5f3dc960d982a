// The export configuration (`apisensor run --export-config FILE`, and the collector's): which
// sinks run, what each takes and how it behaves. YAML; every mistake is refused with one
// sentence naming the setting.
//
//   finding_update_interval_s: 300   # an updated finding is re-sent at most this often
//   sinks:
//     - type: syslog                 # file, webhook, splunk_hec, syslog (see each sink's README)
//       name: arcsight               # unique; default: the type
//       format: cef                  # json, ocsf, cef: which ones a type takes, in its README
//       findings: {types: [unauthenticated_access], min_severity: high}   # or false
//       exchanges: false             # also send a summary of every exchange
//       queue: 10000                 # items waiting; beyond, dropped and counted
//       batch: 100                   # items per delivery
//       batch_wait_ms: 1000          # how long a partial batch waits for more
//       backoff: {initial_ms: 500, max_ms: 30000}
//       rate_limit_per_s: 0          # 0: unlimited
//       drain_timeout_ms: 5000       # at shutdown
//       ocsf_exchange_class: api_activity   # or http_activity
//       ...                          # the type's own keys
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/core/export_hub.h"
#include "exporters/core/sink_runner.h"
#include "exporters/core/sink_type.h"
#include "exporters/formats/format_options.h"

namespace apisensor::exporters {

struct ExportConfig {
  ExportHubOptions hub;
  std::vector<std::unique_ptr<SinkRunner>> sinks;  // started
};

// Every sink type this build knows.
std::span<const SinkType> SinkTypes();

// Throws std::runtime_error with one sentence.
ExportConfig ParseExportConfig(std::string_view yaml, const std::string& source,
                               const FormatOptions& format);
ExportConfig LoadExportConfig(const std::string& path, const FormatOptions& format);

}  // namespace apisensor::exporters
