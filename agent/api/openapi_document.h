// An OpenAPI 3.1 document of what the sensor observed for one service: paths (templates), methods,
// path and query parameters, request and response bodies with their inferred JSON Schemas, status
// codes, and the security schemes seen, so a team can diff reality against its declared spec or
// start one. Endpoints only declared (state unused) are left out: this is the observed API.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/inventory/views.h"

namespace apisensor::api {

// std::nullopt when the view has no such service.
std::optional<std::string> ObservedOpenApi(const inventory::InventoryView& view,
                                           std::string_view service);

}  // namespace apisensor::api
