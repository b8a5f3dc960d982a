// Fuzzes the Kubernetes JSON readers with any bytes, as one watch stream line: ParseWatchEvent,
// then ParsePod, ParseService and ControllerOf on its object, StatusMessage and CanonicalIp on
// the raw input. Checks: what a pod or Service keeps is bounded and well formed (valid names, a
// uid of letters, digits and '-', canonical addresses, labels within the caps), a message has no
// control characters and at most 300 bytes, CanonicalIp is idempotent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/k8s/api/k8s_objects.h"

namespace {

using namespace apisensor::k8s::api;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool Clean(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

void CheckIps(const std::vector<std::string>& ips) {
  Check(ips.size() <= 4);
  for (const std::string& ip : ips) Check(!ip.empty() && CanonicalIp(ip) == ip);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string ip = CanonicalIp(input);
  Check(ip.empty() || CanonicalIp(ip) == ip);
  const std::string message = StatusMessage(input);
  Check(message.size() <= 300 && Clean(message));

  rapidjson::Document doc;
  const std::optional<WatchEvent> event = ParseWatchEvent(input, doc);
  if (!event) return 0;
  Check(event->object != nullptr && event->object->IsObject());
  Check(event->message.size() <= 300 && Clean(event->message));
  const std::string version = ResourceVersionOf(*event->object);
  Check(version.size() <= 64);

  ObjectLimits limits;
  limits.max_labels = 4;
  limits.max_label_bytes = 32;
  if (const auto pod = ParsePod(*event->object, limits)) {
    Check(ValidName(pod->meta.name) && ValidName(pod->meta.namespace_name));
    Check(!pod->meta.uid.empty() && pod->meta.uid.size() <= 64);
    Check(pod->meta.node.empty() || ValidName(pod->meta.node));
    Check(pod->meta.service_account.empty() || ValidName(pod->meta.service_account));
    Check(pod->meta.labels.size() <= limits.max_labels);
    for (const auto& [key, value] : pod->meta.labels) {
      Check(key.size() + value.size() <= limits.max_label_bytes);
    }
    CheckIps(pod->ips);
    Check(pod->meta.ip == (pod->ips.empty() ? "" : pod->ips.front()));
    Check(pod->phase.size() <= 32 && pod->pod_template_hash.size() <= 32);
  }
  if (const auto service = ParseService(*event->object)) {
    Check(ValidName(service->meta.name) && ValidName(service->meta.namespace_name));
    CheckIps(service->ips);
  }
  const OwnerRef owner = ControllerOf(*event->object);
  Check(owner.kind.empty() == owner.name.empty());
  Check(owner.kind.size() <= 63 && (owner.name.empty() || ValidName(owner.name)));
  return 0;
}
