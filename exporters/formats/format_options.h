// Settings the formats share: who is reporting (for OCSF's metadata.product and device, CEF's
// header and dvchost, HEC's host) and which OCSF class exchanges take.
#pragma once

#include <string>
#include <string_view>

namespace apisensor::exporters {

struct FormatOptions {
  std::string product_version;  // the agent's version
  std::string hostname;         // this node
  // OCSF class for exchange summaries: "api_activity" (6003) or "http_activity" (4002).
  std::string ocsf_exchange_class = "api_activity";
};

// This node as the formats report it: $NODE_NAME (Kubernetes' downward API), else the host name.
FormatOptions ReporterIdentity(std::string_view product_version);

}  // namespace apisensor::exporters
