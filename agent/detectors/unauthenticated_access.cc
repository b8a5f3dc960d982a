#include "agent/detectors/unauthenticated_access.h"

#include "agent/detectors/finding_builder.h"

namespace apisensor::detectors {
void UnauthenticatedAccess::Inspect(const ExchangeRecord& record,
                                    const inventory::ObservedEndpoint& endpoint,
                                    findings::FindingSink& sink) {
  if (record.auth.authenticated() || !IsSuccess(record) || endpoint.stats == nullptr) return;
  const inventory::EndpointStats& stats = *endpoint.stats;
  // The baseline excludes this call, which the stats already count.
  const uint64_t earlier = stats.requests - 1;
  const uint64_t earlier_unauthenticated = stats.unauthenticated() - 1;
  std::string_view why;
  if (endpoint.declared != nullptr && endpoint.state != inventory::EndpointState::kShadow &&
      endpoint.declared->secured) {
    why = "declared_secured";
  } else if (earlier >= options_.baseline_calls &&
             static_cast<double>(earlier - earlier_unauthenticated) >=
                 options_.authenticated_share * static_cast<double>(earlier)) {
    why = "usually_authenticated";
  } else if (!stats.response.sensitive.empty()) {
    why = "sensitive_response";
  } else if (IsPrivilegedPath(endpoint.path, options_.privileged_segments)) {
    why = "privileged_path";
  } else {
    return;
  }
  findings::Finding f = StartFinding(
      "unauthenticated_access", findings::Severity::kHigh, "API2:2023",
      "Unauthenticated call answered",
      "A request without any credential got a 2xx answer from an endpoint that should require "
      "one.",
      record, endpoint);
  f.evidence.emplace_back("reason", why);
  if (why == "sensitive_response") {
    std::string kinds;
    for (sensitive::Kind kind : stats.response.sensitive) {
      if (!kinds.empty()) kinds += ",";
      kinds += sensitive::KindName(kind);
    }
    f.evidence.emplace_back("sensitive", kinds);
  }
  sink.Report(f);
}

}  // namespace apisensor::detectors
