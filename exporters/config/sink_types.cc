// The table of sink types; each sink's folder provides its builder.
#include <array>

#include "exporters/config/export_config.h"
#include "exporters/file/file_sink_builder.h"
#include "exporters/splunk/splunk_hec.h"
#include "exporters/syslog/syslog_sink_builder.h"
#include "exporters/webhook/webhook_sink_builder.h"

namespace apisensor::exporters {

std::span<const SinkType> SinkTypes() {
  static const std::array<SinkType, 4> kTypes = {{
      {"file", &MakeFileSinkBuilder},
      {"webhook", &MakeWebhookSinkBuilder},
      {"splunk_hec", &MakeSplunkHecSinkBuilder},
      {"syslog", &MakeSyslogSinkBuilder},
  }};
  return kTypes;
}

}  // namespace apisensor::exporters
