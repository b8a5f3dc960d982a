#include "agent/findings/finding.h"

#include <array>

#include "agent/exchange/stable_id.h"

namespace apisensor::findings {

std::string_view SeverityName(Severity severity) {
  static constexpr std::array<std::string_view, 5> kNames = {"info", "low", "medium", "high",
                                                             "critical"};
  return kNames[static_cast<size_t>(severity)];
}

std::string FindingId(std::string_view type, std::string_view service, std::string_view endpoint,
                      std::string_view caller) {
  return StableId({type, service, endpoint, caller});
}

}  // namespace apisensor::findings
