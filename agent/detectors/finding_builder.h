// One way to start a finding from an exchange, so every detector fills the shared fields alike
// and evidence never carries a credential or a raw path (which can hold ids and personal data):
// the endpoint template, the status, the caller and the user agent only. Detectors add their
// own evidence (names and kinds, never values).
#pragma once

#include <string_view>

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

findings::Finding StartFinding(std::string_view type, findings::Severity severity,
                               std::string_view owasp, std::string_view title,
                               std::string_view description, const ExchangeRecord& record,
                               const inventory::ObservedEndpoint& endpoint);

bool IsSuccess(const ExchangeRecord& record);  // the server answered 2xx

// Whether a path template has one of `segments` (admin, internal, ...) as a whole segment,
// compared case-insensitively: /api/Admin/users is privileged, /administrators-guide is not.
bool IsPrivilegedPath(std::string_view path, const std::vector<std::string>& segments);

// "service method template": the key of per-endpoint detector state.
void EndpointKey(const inventory::ObservedEndpoint& endpoint, std::string& key);

}  // namespace apisensor::detectors
