// What each watch does with the objects it reads: pods (this node's with full metadata, other
// nodes' reduced to identity and address) and Services, into the KubeDirectory.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "agent/k8s/api/k8s_objects.h"
#include "agent/k8s/api/kube_directory.h"
#include "agent/k8s/api/reflector.h"
#include "agent/k8s/api/workload_resolver.h"

namespace apisensor::k8s::api {

struct HandlerStats {
  // Objects without a valid uid, name or namespace, or outside the watch's namespace.
  std::atomic<uint64_t> bad_objects{0};
  std::atomic<uint64_t> labels_dropped{0};  // beyond ObjectLimits
};

class PodHandler final : public ReflectorHandler {
 public:
  // `ns`: the namespace the watch covers ("" for all). Remote pods keep no labels nor service
  // account: only what names a peer.
  PodHandler(PodScope scope, std::string ns, KubeDirectory& directory, WorkloadResolver& resolver,
             ObjectLimits limits, HandlerStats& stats);

  void BeginList() override;
  void ListItem(const rapidjson::Value& object) override;
  void CommitList() override;
  void Event(EventType type, const rapidjson::Value& object) override;

 private:
  std::optional<PodEntry> Entry(const rapidjson::Value& object, std::string* deleted_uid);

  const PodScope scope_;
  const std::string ns_;
  KubeDirectory& directory_;
  WorkloadResolver& resolver_;
  const ObjectLimits limits_;
  HandlerStats& stats_;
  std::vector<PodEntry> pending_;  // the list being read, at most the table's cap
  uint64_t over_cap_ = 0;
};

class ServiceHandler final : public ReflectorHandler {
 public:
  ServiceHandler(std::string ns, KubeDirectory& directory, HandlerStats& stats);

  void BeginList() override;
  void ListItem(const rapidjson::Value& object) override;
  void CommitList() override;
  void Event(EventType type, const rapidjson::Value& object) override;

 private:
  const std::string ns_;
  KubeDirectory& directory_;
  HandlerStats& stats_;
  std::vector<ServiceEntry> pending_;
  uint64_t over_cap_ = 0;
};

}  // namespace apisensor::k8s::api
