// ArcSight Common Event Format: one line per finding or exchange summary,
//   CEF:0|apisensor|apisensor|<version>|<signature id>|<name>|<severity>|<extension>
// with only the standard extension keys. The field mapping is in this folder's README.md.
#pragma once

#include <memory>

#include "agent/findings/finding.h"
#include "exporters/core/formatter.h"
#include "exporters/formats/format_options.h"

namespace apisensor::exporters {

// info 1, low 3, medium 5, high 8, critical 10: each lands in the band of ArcSight's 0-10 scale
// (0-3 Low, 4-6 Medium, 7-8 High, 9-10 Very-High) that bears its name.
int CefSeverity(findings::Severity severity);

// The signature id of exchange summaries.
inline constexpr const char* kCefExchangeSignature = "http_exchange";

std::unique_ptr<Formatter> MakeCefFormatter(const FormatOptions& options);

}  // namespace apisensor::exporters
