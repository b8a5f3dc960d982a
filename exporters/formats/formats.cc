#include "exporters/formats/formats.h"

#include "exporters/formats/cef/cef_formatter.h"
#include "exporters/formats/native_json.h"
#include "exporters/formats/ocsf/ocsf_formatter.h"

namespace apisensor::exporters {

std::unique_ptr<Formatter> MakeFormatter(std::string_view name, const FormatOptions& options) {
  if (name == "json") return std::make_unique<NativeJsonFormatter>();
  if (name == "ocsf") return MakeOcsfFormatter(options);
  if (name == "cef") return MakeCefFormatter(options);
  return nullptr;
}

}  // namespace apisensor::exporters
