#include "exporters/formats/ocsf/http_methods.h"

#include <array>

namespace apisensor::exporters::ocsf {
namespace {

struct MethodActivity {
  std::string_view method;
  EnumValue activity;
};

// HTTP Activity's activity_id: one value per method OCSF names (the same list as
// http_request.http_method's values).
constexpr std::array<MethodActivity, 40> kHttpActivities = {{
    {"CONNECT", {1, "Connect"}},
    {"DELETE", {2, "Delete"}},
    {"GET", {3, "Get"}},
    {"HEAD", {4, "Head"}},
    {"OPTIONS", {5, "Options"}},
    {"POST", {6, "Post"}},
    {"PUT", {7, "Put"}},
    {"TRACE", {8, "Trace"}},
    {"PATCH", {9, "Patch"}},
    {"ACL", {10, "ACL"}},
    {"BASELINE-CONTROL", {11, "Baseline Control"}},
    {"BIND", {12, "Bind"}},
    {"CHECKIN", {13, "Check In"}},
    {"CHECKOUT", {14, "Check Out"}},
    {"COPY", {15, "Copy"}},
    {"LABEL", {16, "Label"}},
    {"LINK", {17, "Link"}},
    {"LOCK", {18, "Lock"}},
    {"MERGE", {19, "Merge"}},
    {"MKACTIVITY", {20, "Make Activity"}},
    {"MKCALENDAR", {21, "Make Calendar"}},
    {"MKCOL", {22, "Make Collection"}},
    {"MKREDIRECTREF", {23, "Make Redirect Reference"}},
    {"MKWORKSPACE", {24, "Make Workspace"}},
    {"MOVE", {25, "Move"}},
    {"ORDERPATCH", {26, "Order Patch"}},
    {"PRI", {27, "PRI"}},
    {"PROPFIND", {28, "Property Find"}},
    {"PROPPATCH", {29, "Property Patch"}},
    {"QUERY", {30, "Query"}},
    {"REBIND", {31, "Rebind"}},
    {"REPORT", {32, "Report"}},
    {"SEARCH", {33, "Search"}},
    {"UNBIND", {34, "Unbind"}},
    {"UNCHECKOUT", {35, "Un-Check Out"}},
    {"UNLINK", {36, "Unlink"}},
    {"UNLOCK", {37, "Unlock"}},
    {"UPDATE", {38, "Update"}},
    {"UPDATEREDIRECTREF", {39, "Update Redirect Reference"}},
    {"VERSION-CONTROL", {40, "Version Control"}},
}};

}  // namespace

std::optional<EnumValue> HttpActivityForMethod(std::string_view method) {
  for (const MethodActivity& m : kHttpActivities) {
    if (m.method == method) return m.activity;
  }
  return std::nullopt;
}

EnumValue ApiActivityForMethod(std::string_view method) {
  // What the method does to the resource, by its RFC 9110 / WebDAV semantics.
  constexpr std::array<std::string_view, 7> kReads = {"GET",    "HEAD",   "OPTIONS", "QUERY",
                                                      "SEARCH", "REPORT", "PROPFIND"};
  constexpr std::array<std::string_view, 6> kUpdates = {"PUT",  "PATCH", "PROPPATCH",
                                                        "MOVE", "MERGE", "UPDATE"};
  if (method == "POST" || method == "MKCOL" || method == "COPY") return {1, "Create"};
  for (std::string_view m : kReads) {
    if (m == method) return {2, "Read"};
  }
  for (std::string_view m : kUpdates) {
    if (m == method) return {3, "Update"};
  }
  if (method == "DELETE") return {4, "Delete"};
  return {99, "Other"};
}

}  // namespace apisensor::exporters::ocsf
