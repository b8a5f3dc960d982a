// A PodDirectory holding fixed pods and Services: the data the Kubernetes watch would have
// delivered, so these tests exercise what the agent does with it, not the watch.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "agent/k8s/pod_directory.h"

namespace apisensor::testing {

class StaticDirectory final : public k8s::PodDirectory {
 public:
  std::shared_ptr<const k8s::PodMetadata> Add(k8s::PodMetadata pod) {
    auto p = std::make_shared<const k8s::PodMetadata>(std::move(pod));
    by_uid_[p->uid] = p;
    if (!p->ip.empty()) by_ip_[p->ip] = p;
    return p;
  }
  std::shared_ptr<const k8s::ServiceMetadata> Add(k8s::ServiceMetadata service) {
    auto s = std::make_shared<const k8s::ServiceMetadata>(std::move(service));
    services_[s->cluster_ip] = s;
    return s;
  }

  std::shared_ptr<const k8s::PodMetadata> PodByUid(std::string_view uid) const override {
    auto it = by_uid_.find(std::string(uid));
    return it == by_uid_.end() ? nullptr : it->second;
  }
  std::shared_ptr<const k8s::PodMetadata> PodByIp(std::string_view ip) const override {
    auto it = by_ip_.find(std::string(ip));
    return it == by_ip_.end() ? nullptr : it->second;
  }
  std::shared_ptr<const k8s::ServiceMetadata> ServiceByIp(std::string_view ip) const override {
    auto it = services_.find(std::string(ip));
    return it == services_.end() ? nullptr : it->second;
  }

 private:
  std::map<std::string, std::shared_ptr<const k8s::PodMetadata>> by_uid_, by_ip_;
  std::map<std::string, std::shared_ptr<const k8s::ServiceMetadata>> services_;
};

}  // namespace apisensor::testing
