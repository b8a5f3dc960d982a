#include "agent/k8s/api/workload_resolver.h"

namespace apisensor::k8s::api {

WorkloadResolver::WorkloadResolver(ApiClient* client, size_t cache_cap, Log log)
    : client_(client), cache_cap_(cache_cap), log_(std::move(log)) {}

OwnerRef WorkloadResolver::Infer(const PodObject& pod) {
  const OwnerRef& owner = pod.owner;
  if (owner.kind.empty()) return {"Pod", pod.meta.name};
  const std::string& hash = pod.pod_template_hash;
  if (owner.kind == "ReplicaSet" && !hash.empty() && owner.name.size() > hash.size() + 1 &&
      owner.name.compare(owner.name.size() - hash.size(), hash.size(), hash) == 0 &&
      owner.name[owner.name.size() - hash.size() - 1] == '-') {
    return {"Deployment", owner.name.substr(0, owner.name.size() - hash.size() - 1)};
  }
  return owner;
}

void WorkloadResolver::Resolve(PodObject& pod, bool query) {
  OwnerRef top;
  if (pod.owner.kind == "ReplicaSet" || pod.owner.kind == "Job") {
    std::optional<OwnerRef> found;
    {
      std::lock_guard lock(mu_);
      const auto it =
          cache_.find(pod.owner.kind + "/" + pod.meta.namespace_name + "/" + pod.owner.name);
      if (it != cache_.end()) found = it->second;
    }
    if (!found && query) found = Lookup(pod.meta.namespace_name, pod.owner);
    top = found ? *found : Infer(pod);
  } else {
    top = Infer(pod);
  }
  pod.meta.workload_kind = std::move(top.kind);
  pod.meta.workload = std::move(top.name);
}

std::optional<OwnerRef> WorkloadResolver::Lookup(const std::string& ns, const OwnerRef& owner) {
  const bool replicaset = owner.kind == "ReplicaSet";
  std::atomic<bool>& denied = replicaset ? denied_replicasets_ : denied_jobs_;
  if (client_ == nullptr || denied || !ValidName(ns) || !ValidName(owner.name)) return std::nullopt;
  const std::string path = replicaset
                               ? "/apis/apps/v1/namespaces/" + ns + "/replicasets/" + owner.name
                               : "/apis/batch/v1/namespaces/" + ns + "/jobs/" + owner.name;
  HttpResult r;
  {
    std::lock_guard lock(client_mu_);
    r = client_->Get(path);
  }
  std::lock_guard lock(mu_);
  ++stats_.lookups;
  if (r.status == 200) {
    rapidjson::Document doc;
    doc.Parse<kParseFlags>(r.body.data(), r.body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      ++stats_.lookup_errors;
      return std::nullopt;
    }
    const OwnerRef parent = ControllerOf(doc);
    OwnerRef top = parent.kind.empty() ? owner : parent;
    if (cache_.size() >= cache_cap_) {
      stats_.cache_evictions += cache_.size();
      cache_.clear();
    }
    cache_.emplace(owner.kind + "/" + ns + "/" + owner.name, top);
    return top;
  }
  if (r.status == 404) return std::nullopt;  // gone already: its name says enough
  ++stats_.lookup_errors;
  if (r.status == 401) client_->token().Invalidate();
  if (r.status == 403 && !denied.exchange(true) && log_) {
    const std::string resource = replicaset ? "replicasets (apps)" : "jobs (batch)";
    const std::string message = StatusMessage(r.body);
    log_("The Kubernetes API denied get " + resource + " (HTTP 403" +
         (message.empty() ? "" : ": " + message) + "), so " +
         (replicaset ? "Deployment names are inferred from ReplicaSet names"
                     : "pods of Jobs are not traced to their CronJobs") +
         "; grant the agent's service account get on " + resource + ".");
  }
  return std::nullopt;
}

void WorkloadResolver::ClearCache() {
  std::lock_guard lock(mu_);
  cache_.clear();
}

ResolverStats WorkloadResolver::stats() const {
  std::lock_guard lock(mu_);
  ResolverStats s = stats_;
  s.cache_entries = cache_.size();
  return s;
}

}  // namespace apisensor::k8s::api
