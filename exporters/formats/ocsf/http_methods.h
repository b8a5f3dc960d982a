// OCSF's names for what an HTTP method does: HTTP Activity has one activity per method, API
// Activity only Create, Read, Update and Delete.
#pragma once

#include <optional>
#include <string_view>

#include "exporters/formats/ocsf/ocsf_json.h"

namespace apisensor::exporters::ocsf {

// The HTTP Activity activity for a method OCSF lists (case-sensitive, as methods are); nullopt
// for any other token, which is also not a valid http_request.http_method.
std::optional<EnumValue> HttpActivityForMethod(std::string_view method);

// Create, Read, Update or Delete; Other (99) for a method with no such meaning (CONNECT, TRACE,
// an unknown token).
EnumValue ApiActivityForMethod(std::string_view method);

}  // namespace apisensor::exporters::ocsf
