// The query API's JSON for endpoints, services and findings: the contract `apisensor endpoints
// --json`, the collector and any script read. Times are RFC 3339 UTC; shares are 0..1.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "agent/findings/finding.h"
#include "agent/inventory/views.h"

namespace apisensor::api {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// `detail` adds what a single-endpoint query wants and a list can do without: the inferred
// request and response schemas and the JWT issuers.
void WriteEndpoint(JsonWriter& w, const inventory::EndpointView& e, bool detail);
void WriteService(JsonWriter& w, const inventory::ServiceView& s);
void WriteFinding(JsonWriter& w, const findings::Finding& f);
// The same members without the enclosing braces, for documents that add their own.
void WriteFindingFields(JsonWriter& w, const findings::Finding& f);
void WriteTime(JsonWriter& w, uint64_t unix_ns);
void WriteString(JsonWriter& w, std::string_view s);
// `"key": {"namespace", "workload", "workload_kind"}`, only when the workload is known.
void WriteWorkload(JsonWriter& w, const char* key, const k8s::WorkloadIdentity& workload);

}  // namespace apisensor::api
