#include "exporters/formats/formats.h"

#include "exporters/formats/native_json.h"

namespace apisensor::exporters {

std::unique_ptr<Formatter> MakeFormatter(std::string_view name, const FormatOptions& options) {
  (void)options;
  if (name == "json") return std::make_unique<NativeJsonFormatter>();
  return nullptr;
}

}  // namespace apisensor::exporters
