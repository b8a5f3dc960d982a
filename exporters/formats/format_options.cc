#include "exporters/formats/format_options.h"

#include <unistd.h>

#include <cstdlib>

namespace apisensor::exporters {

FormatOptions ReporterIdentity(std::string_view product_version) {
  FormatOptions format;
  format.product_version = product_version;
  if (const char* node = std::getenv("NODE_NAME"); node != nullptr && *node != '\0') {
    format.hostname = node;
  } else {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) format.hostname = host;
  }
  return format;
}

}  // namespace apisensor::exporters
