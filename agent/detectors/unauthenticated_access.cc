#include "agent/detectors/unauthenticated_access.h"

#include <cctype>

#include "agent/detectors/finding_builder.h"

namespace apisensor::detectors {
namespace {

bool SegmentEquals(std::string_view segment, std::string_view lower) {
  if (segment.size() != lower.size()) return false;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(segment[i])) != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool UnauthenticatedAccess::IsPrivileged(std::string_view path) const {
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    for (const std::string& privileged : options_.privileged_segments) {
      if (SegmentEquals(segment, privileged)) return true;
    }
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return false;
}

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
  } else if (IsPrivileged(endpoint.path)) {
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
