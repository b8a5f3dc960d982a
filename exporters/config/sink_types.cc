// The table of sink types; each sink's folder provides its builder.
#include <array>

#include "exporters/config/export_config.h"

namespace apisensor::exporters {

std::span<const SinkType> SinkTypes() {
  static const std::array<SinkType, 0> kTypes = {};
  return kTypes;
}

}  // namespace apisensor::exporters
