#include "agent/k8s/api/kube_directory.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <tuple>

namespace apisensor::k8s::api {
namespace {

std::string ServiceKey(std::string_view ns, std::string_view name) {
  std::string key(ns);
  key += '/';
  key += name;
  return key;
}

// "::ffff:10.1.2.3" → "10.1.2.3"; anything else unchanged.
std::string_view Unmapped(std::string_view ip) {
  constexpr std::string_view kPrefix = "::ffff:";
  if (ip.size() > kPrefix.size() && ip.find('.') != std::string_view::npos) {
    bool match = true;
    for (size_t i = 0; i < kPrefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(ip[i])) != kPrefix[i]) match = false;
    }
    if (match) return ip.substr(kPrefix.size());
  }
  return ip;
}

}  // namespace

void KubeDirectory::PodTable::Upsert(PodEntry pod) {
  const std::string& uid = pod.meta->uid;
  auto it = by_uid.find(uid);
  if (it == by_uid.end()) {
    if (by_uid.size() >= cap) {
      ++dropped;
      return;
    }
  } else {
    Erase(uid);
  }
  // The newest pod wins an address: the older one is terminating or gone.
  for (const std::string& ip : pod.ips) by_ip[ip] = pod.meta;
  if (!pod.cgroup_uid.empty()) uid_by_cgroup_uid[pod.cgroup_uid] = uid;
  std::string key = uid;
  by_uid.emplace(std::move(key), std::move(pod));
}

void KubeDirectory::PodTable::Erase(std::string_view uid) {
  const auto it = by_uid.find(uid);
  if (it == by_uid.end()) return;
  for (const std::string& ip : it->second.ips) {
    const auto at = by_ip.find(ip);
    // Only its own: the address may already be a newer pod's.
    if (at != by_ip.end() && at->second == it->second.meta) by_ip.erase(at);
  }
  if (const std::string& alias = it->second.cgroup_uid; !alias.empty()) {
    const auto at = uid_by_cgroup_uid.find(alias);
    if (at != uid_by_cgroup_uid.end() && at->second == uid) uid_by_cgroup_uid.erase(at);
  }
  by_uid.erase(it);
}

void KubeDirectory::ServiceTable::Upsert(ServiceEntry service) {
  std::string key = ServiceKey(service.meta->namespace_name, service.meta->name);
  if (by_name.find(key) == by_name.end()) {
    if (by_name.size() >= cap) {
      ++dropped;
      return;
    }
  } else {
    Erase(key);
  }
  for (const std::string& ip : service.ips) by_ip[ip] = service.meta;
  by_name.emplace(std::move(key), std::move(service));
}

void KubeDirectory::ServiceTable::Erase(std::string_view key) {
  const auto it = by_name.find(key);
  if (it == by_name.end()) return;
  for (const std::string& ip : it->second.ips) {
    const auto at = by_ip.find(ip);
    if (at != by_ip.end() && at->second == it->second.meta) by_ip.erase(at);
  }
  by_name.erase(it);
}

KubeDirectory::KubeDirectory(DirectoryCaps caps) : caps_(caps) {
  local_.cap = caps.local_pods;
  remote_.cap = caps.remote_pods;
  services_.cap = caps.services;
}

std::shared_ptr<const PodMetadata> KubeDirectory::PodByUid(std::string_view uid) const {
  std::lock_guard lock(mu_);
  for (const PodTable* t : {&local_, &remote_}) {
    auto it = t->by_uid.find(uid);
    if (it == t->by_uid.end()) {
      const auto alias = t->uid_by_cgroup_uid.find(uid);
      if (alias != t->uid_by_cgroup_uid.end()) it = t->by_uid.find(alias->second);
    }
    if (it != t->by_uid.end()) return it->second.meta;
  }
  return nullptr;
}

std::shared_ptr<const PodMetadata> KubeDirectory::PodByIpLocked(std::string_view ip) const {
  for (const PodTable* t : {&local_, &remote_}) {
    const auto it = t->by_ip.find(ip);
    if (it != t->by_ip.end()) return it->second;
  }
  return nullptr;
}

std::shared_ptr<const PodMetadata> KubeDirectory::PodByIp(std::string_view ip) const {
  std::lock_guard lock(mu_);
  return PodByIpLocked(Unmapped(ip));
}

std::shared_ptr<const ServiceMetadata> KubeDirectory::ServiceByIp(std::string_view ip) const {
  std::lock_guard lock(mu_);
  const auto it = services_.by_ip.find(Unmapped(ip));
  return it == services_.by_ip.end() ? nullptr : it->second;
}

void KubeDirectory::ReplacePods(PodScope scope, std::string_view ns, std::vector<PodEntry> pods,
                                uint64_t dropped_before) {
  if (ns.empty()) {
    PodTable fresh;
    fresh.cap = cap(scope);
    for (PodEntry& pod : pods) fresh.Upsert(std::move(pod));
    std::unique_lock lock(mu_);
    PodTable& t = table(scope);
    fresh.dropped += t.dropped + dropped_before;
    std::swap(t, fresh);
    lock.unlock();
    return;  // the old table is freed here, outside the lock
  }
  std::unique_lock lock(mu_);
  PodTable& t = table(scope);
  std::vector<std::string> gone;
  for (const auto& [uid, entry] : t.by_uid) {
    if (entry.meta->namespace_name == ns) gone.push_back(uid);
  }
  for (const std::string& uid : gone) t.Erase(uid);
  for (PodEntry& pod : pods) t.Upsert(std::move(pod));
  t.dropped += dropped_before;
}

void KubeDirectory::UpsertPod(PodScope scope, PodEntry pod) {
  std::unique_lock lock(mu_);
  table(scope).Upsert(std::move(pod));
}

void KubeDirectory::DeletePod(PodScope scope, std::string_view uid) {
  std::unique_lock lock(mu_);
  table(scope).Erase(uid);
}

void KubeDirectory::ReplaceServices(std::string_view ns, std::vector<ServiceEntry> services,
                                    uint64_t dropped_before) {
  if (ns.empty()) {
    ServiceTable fresh;
    fresh.cap = caps_.services;
    for (ServiceEntry& service : services) fresh.Upsert(std::move(service));
    std::unique_lock lock(mu_);
    fresh.dropped += services_.dropped + dropped_before;
    std::swap(services_, fresh);
    return;
  }
  std::unique_lock lock(mu_);
  std::vector<std::string> gone;
  for (const auto& [key, entry] : services_.by_name) {
    if (entry.meta->namespace_name == ns) gone.push_back(key);
  }
  for (const std::string& key : gone) services_.Erase(key);
  for (ServiceEntry& service : services) services_.Upsert(std::move(service));
  services_.dropped += dropped_before;
}

void KubeDirectory::UpsertService(ServiceEntry service) {
  std::unique_lock lock(mu_);
  services_.Upsert(std::move(service));
}

void KubeDirectory::DeleteService(std::string_view ns, std::string_view name) {
  std::unique_lock lock(mu_);
  services_.Erase(ServiceKey(ns, name));
}

size_t KubeDirectory::cap(PodScope scope) const {
  return scope == PodScope::kLocal ? caps_.local_pods : caps_.remote_pods;
}

DirectoryContent KubeDirectory::Content() const {
  DirectoryContent c;
  std::unique_lock lock(mu_);
  for (const auto& [uid, entry] : local_.by_uid) c.local_pods.push_back(entry);
  for (const auto& [uid, entry] : remote_.by_uid) c.remote_pods.push_back(entry);
  for (const auto& [key, entry] : services_.by_name) c.services.push_back(entry);
  for (const PodTable* t : {&remote_, &local_}) {  // local last: it wins, as in PodByIp
    for (const auto& [ip, meta] : t->by_ip) c.pod_ips[ip] = meta->namespace_name + "/" + meta->name;
  }
  for (const auto& [ip, meta] : services_.by_ip) {
    c.service_ips[ip] = meta->namespace_name + "/" + meta->name;
  }
  lock.unlock();
  const auto by_name = [](const auto& a, const auto& b) {
    return std::tie(a.meta->namespace_name, a.meta->name) <
           std::tie(b.meta->namespace_name, b.meta->name);
  };
  std::sort(c.local_pods.begin(), c.local_pods.end(), by_name);
  std::sort(c.remote_pods.begin(), c.remote_pods.end(), by_name);
  std::sort(c.services.begin(), c.services.end(), by_name);
  return c;
}

DirectoryStats KubeDirectory::stats() const {
  std::lock_guard lock(mu_);
  DirectoryStats s;
  s.local_pods = local_.by_uid.size();
  s.remote_pods = remote_.by_uid.size();
  s.services = services_.by_name.size();
  s.local_pods_dropped = local_.dropped;
  s.remote_pods_dropped = remote_.dropped;
  s.services_dropped = services_.dropped;
  return s;
}

}  // namespace apisensor::k8s::api
