// Kubernetes API JSON → what the directory keeps: pure functions over rapidjson values, with no
// I/O, so garbled objects are tested (and fuzzed) alone. Every string kept is length-checked:
// one odd object must not make a table entry large.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/k8s/pod_directory.h"

namespace apisensor::k8s::api {

// Parses without recursion, so nesting depth cannot exhaust the stack.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag;

struct ObjectLimits {
  size_t max_labels = 64;        // per pod; the rest are dropped (counted)
  size_t max_label_bytes = 320;  // key + value; a longer label is dropped (counted)
};

// The controlling owner (ownerReferences[controller=true]); empty kind when there is none.
struct OwnerRef {
  std::string kind;
  std::string name;
  bool operator==(const OwnerRef&) const = default;
};

struct PodObject {
  PodMetadata meta;              // workload_kind and workload are left to WorkloadResolver
  std::vector<std::string> ips;  // status.podIPs (or podIP), canonical text; empty for host network
  std::string phase;             // status.phase
  OwnerRef owner;
  std::string pod_template_hash;  // label set by the Deployment controller
  std::string mirror_of;          // a static pod's config hash (kubernetes.io/config.mirror)
  uint32_t labels_dropped = 0;
};

struct ServiceObject {
  ServiceMetadata meta;
  std::vector<std::string> ips;  // spec.clusterIPs (or clusterIP), without "None"
};

// nullopt when the object lacks a valid uid, name or namespace.
std::optional<PodObject> ParsePod(const rapidjson::Value& object, const ObjectLimits& limits);
std::optional<ServiceObject> ParseService(const rapidjson::Value& object);
OwnerRef ControllerOf(const rapidjson::Value& object);
std::string ResourceVersionOf(const rapidjson::Value& object);

// Whether a pod's addresses identify it: not host network, and not finished (a finished pod's
// address may already belong to a new pod).
bool AddressesIdentify(const PodObject& pod);

enum class EventType { kAdded, kModified, kDeleted, kBookmark, kError };

struct WatchEvent {
  EventType type = EventType::kError;
  const rapidjson::Value* object = nullptr;  // inside the Document given to ParseWatchEvent
  int code = 0;                              // ERROR: the Status' code (410: resource expired)
  std::string message;                       // ERROR: the Status' message, sanitized
};

// One line of a watch stream, parsed into `doc`; nullopt when it is not a watch event.
std::optional<WatchEvent> ParseWatchEvent(std::string_view line, rapidjson::Document& doc);

// The message of a Status body (the API's error answers), sanitized for one log sentence and at
// most 300 bytes; "" when the body is not a Status.
std::string StatusMessage(std::string_view body);

// A DNS-1123 subdomain (lowercase letters, digits, '-', '.'; at most 253 bytes): what object
// names are, and what is safe to put in a request path.
bool ValidName(std::string_view name);

// The address in inet_ntop's text form, or "" when it is not an IPv4 or IPv6 address.
std::string CanonicalIp(std::string_view ip);

// Control characters out, at most `max` bytes: remote text made safe for one log line.
std::string Sanitize(std::string_view text, size_t max = 300);

}  // namespace apisensor::k8s::api
