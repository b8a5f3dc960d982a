#include "agent/k8s/api/k8s_objects.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

namespace apisensor::k8s::api {
namespace {

const rapidjson::Value* Member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string_view Str(const rapidjson::Value& object, const char* key) {
  const rapidjson::Value* v = Member(object, key);
  if (v == nullptr || !v->IsString()) return {};
  return {v->GetString(), v->GetStringLength()};
}

const rapidjson::Value& Empty() {
  static const rapidjson::Value empty(rapidjson::kObjectType);
  return empty;
}

const rapidjson::Value& Obj(const rapidjson::Value& object, const char* key) {
  const rapidjson::Value* v = Member(object, key);
  return v != nullptr && v->IsObject() ? *v : Empty();
}

// A UID is a UUID; allow any short token of letters, digits and '-' so as not to depend on it.
bool ValidUid(std::string_view uid) {
  if (uid.empty() || uid.size() > 64) return false;
  for (char c : uid) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

void AddIp(std::vector<std::string>& ips, std::string_view text) {
  std::string ip = CanonicalIp(text);
  if (ip.empty()) return;
  for (const std::string& known : ips) {
    if (known == ip) return;
  }
  if (ips.size() < 4) ips.push_back(std::move(ip));  // dual stack has two
}

}  // namespace

std::optional<PodObject> ParsePod(const rapidjson::Value& object, const ObjectLimits& limits) {
  const rapidjson::Value& metadata = Obj(object, "metadata");
  const rapidjson::Value& spec = Obj(object, "spec");
  const rapidjson::Value& status = Obj(object, "status");
  PodObject pod;
  const std::string_view uid = Str(metadata, "uid");
  const std::string_view name = Str(metadata, "name");
  const std::string_view ns = Str(metadata, "namespace");
  if (!ValidUid(uid) || !ValidName(name) || !ValidName(ns)) return std::nullopt;
  pod.meta.uid = uid;
  pod.meta.name = name;
  pod.meta.namespace_name = ns;
  const std::string_view node = Str(spec, "nodeName");
  if (ValidName(node)) pod.meta.node = node;
  std::string_view account = Str(spec, "serviceAccountName");
  if (account.empty()) account = Str(spec, "serviceAccount");  // the deprecated spelling
  if (ValidName(account)) pod.meta.service_account = account;
  const rapidjson::Value* host_network = Member(spec, "hostNetwork");
  pod.meta.host_network =
      host_network != nullptr && host_network->IsBool() && host_network->GetBool();
  const std::string_view phase = Str(status, "phase");
  if (phase.size() <= 32) pod.phase = phase;

  AddIp(pod.ips, Str(status, "podIP"));
  const rapidjson::Value* pod_ips = Member(status, "podIPs");
  if (pod_ips != nullptr && pod_ips->IsArray()) {
    for (const rapidjson::Value& entry : pod_ips->GetArray()) AddIp(pod.ips, Str(entry, "ip"));
  }
  if (!pod.ips.empty()) pod.meta.ip = pod.ips.front();

  const rapidjson::Value& labels = Obj(metadata, "labels");
  for (auto it = labels.MemberBegin(); it != labels.MemberEnd(); ++it) {
    if (!it->value.IsString()) continue;
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    const std::string_view value(it->value.GetString(), it->value.GetStringLength());
    if (key == "pod-template-hash" && value.size() <= 32) pod.pod_template_hash = value;
    if (pod.meta.labels.size() >= limits.max_labels ||
        key.size() + value.size() > limits.max_label_bytes) {
      ++pod.labels_dropped;
      continue;
    }
    pod.meta.labels.emplace(key, value);
  }
  // A static pod's mirror: the kubelet names the pod's cgroup after this hash, not the UID.
  const std::string_view mirror = Str(Obj(metadata, "annotations"), "kubernetes.io/config.mirror");
  if (ValidUid(mirror)) pod.mirror_of = mirror;
  pod.owner = ControllerOf(object);
  return pod;
}

std::optional<ServiceObject> ParseService(const rapidjson::Value& object) {
  const rapidjson::Value& metadata = Obj(object, "metadata");
  const rapidjson::Value& spec = Obj(object, "spec");
  ServiceObject service;
  const std::string_view name = Str(metadata, "name");
  const std::string_view ns = Str(metadata, "namespace");
  if (!ValidName(name) || !ValidName(ns)) return std::nullopt;
  service.meta.name = name;
  service.meta.namespace_name = ns;
  AddIp(service.ips, Str(spec, "clusterIP"));  // "None" (headless) is no address
  const rapidjson::Value* ips = Member(spec, "clusterIPs");
  if (ips != nullptr && ips->IsArray()) {
    for (const rapidjson::Value& ip : ips->GetArray()) {
      if (ip.IsString()) AddIp(service.ips, {ip.GetString(), ip.GetStringLength()});
    }
  }
  if (!service.ips.empty()) service.meta.cluster_ip = service.ips.front();
  return service;
}

OwnerRef ControllerOf(const rapidjson::Value& object) {
  const rapidjson::Value* refs = Member(Obj(object, "metadata"), "ownerReferences");
  if (refs == nullptr || !refs->IsArray()) return {};
  for (const rapidjson::Value& ref : refs->GetArray()) {
    const rapidjson::Value* controller = Member(ref, "controller");
    if (controller == nullptr || !controller->IsBool() || !controller->GetBool()) continue;
    const std::string_view kind = Str(ref, "kind");
    const std::string_view name = Str(ref, "name");
    if (kind.empty() || kind.size() > 63 || !ValidName(name)) return {};
    for (char c : kind) {
      if (!std::isalnum(static_cast<unsigned char>(c))) return {};
    }
    return {std::string(kind), std::string(name)};
  }
  return {};
}

std::string ResourceVersionOf(const rapidjson::Value& object) {
  const std::string_view rv = Str(Obj(object, "metadata"), "resourceVersion");
  // Opaque to clients, but sent back in a query: keep it short and URL-safe.
  if (rv.size() > 64) return {};
  for (char c : rv) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return {};
  }
  return std::string(rv);
}

bool AddressesIdentify(const PodObject& pod) {
  return !pod.meta.host_network && pod.phase != "Succeeded" && pod.phase != "Failed";
}

std::optional<WatchEvent> ParseWatchEvent(std::string_view line, rapidjson::Document& doc) {
  doc.Parse<kParseFlags>(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const std::string_view type = Str(doc, "type");
  const rapidjson::Value* object = Member(doc, "object");
  if (object == nullptr || !object->IsObject()) return std::nullopt;
  WatchEvent event;
  event.object = object;
  if (type == "ADDED") {
    event.type = EventType::kAdded;
  } else if (type == "MODIFIED") {
    event.type = EventType::kModified;
  } else if (type == "DELETED") {
    event.type = EventType::kDeleted;
  } else if (type == "BOOKMARK") {
    event.type = EventType::kBookmark;
  } else if (type == "ERROR") {
    event.type = EventType::kError;
    const rapidjson::Value* code = Member(*object, "code");
    if (code != nullptr && code->IsInt()) event.code = code->GetInt();
    event.message = Sanitize(Str(*object, "message"));
  } else {
    return std::nullopt;
  }
  return event;
}

std::string StatusMessage(std::string_view body) {
  if (body.size() > 64 * 1024) return {};
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError() || Str(doc, "kind") != "Status") return {};
  return Sanitize(Str(doc, "message"));
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

std::string CanonicalIp(std::string_view ip) {
  if (ip.empty() || ip.size() > INET6_ADDRSTRLEN) return {};
  char text[INET6_ADDRSTRLEN + 1] = {};
  std::memcpy(text, ip.data(), ip.size());
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET, text, bytes) == 1) return inet_ntop(AF_INET, bytes, out, sizeof(out));
  if (inet_pton(AF_INET6, text, bytes) == 1) return inet_ntop(AF_INET6, bytes, out, sizeof(out));
  return {};
}

std::string Sanitize(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  }
  return out;
}

}  // namespace apisensor::k8s::api
