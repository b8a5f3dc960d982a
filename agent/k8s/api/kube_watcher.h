// The agent's Kubernetes API side: threads that keep a KubeDirectory current from the API
// server: this node's pods (spec.nodeName=<node>), other nodes' pods (addresses only, so peers
// resolve to namespace/workload) and Services (ClusterIP). Lookups go to directory(), which
// never waits on the network. See README.md for what it watches and the RBAC it needs.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/k8s/api/api_client.h"
#include "agent/k8s/api/cluster_config.h"
#include "agent/k8s/api/kube_directory.h"
#include "agent/k8s/api/object_handlers.h"
#include "agent/k8s/api/reflector.h"
#include "agent/k8s/api/workload_resolver.h"
#include "agent/metrics/counters.h"

namespace apisensor::k8s::api {

struct WatcherOptions {
  ClusterConfig cluster;  // InClusterConfig(), or a test server
  // Namespaces covered (RBAC may allow no more); empty: the whole cluster.
  std::vector<std::string> namespaces;
  // Index other nodes' pods by address (one cluster-wide LIST+WATCH of pods, kept to identity
  // and address, capped by caps.remote_pods). Off: peers on other nodes resolve only to Services.
  bool watch_remote_pods = true;
  bool watch_services = true;

  size_t page_size = 500;
  std::chrono::milliseconds resync_interval{std::chrono::minutes(15)};  // 0: never
  uint32_t watch_timeout_s = 300;
  std::chrono::milliseconds watch_read_margin{std::chrono::seconds(30)};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(30)};
  std::chrono::milliseconds token_reread{std::chrono::minutes(1)};

  HttpOptions http;
  DirectoryCaps caps;
  ObjectLimits limits;
  size_t owner_cache_cap = 4096;
};

class KubeWatcher {
 public:
  using Log = std::function<void(const std::string&)>;

  // Throws std::runtime_error with one sentence on bad options (a namespace that is no name).
  // `log` gets one sentence per failure state (stderr by default).
  explicit KubeWatcher(WatcherOptions options, Log log = {});
  // Stop(), if not done yet.
  ~KubeWatcher();
  KubeWatcher(const KubeWatcher&) = delete;
  KubeWatcher& operator=(const KubeWatcher&) = delete;

  // Starts the threads (once). The directory fills as lists complete.
  void Start();
  // Ends every request in flight and joins the threads; prompt whatever the API server does.
  void Stop();

  std::shared_ptr<const PodDirectory> directory() const { return directory_; }
  const KubeDirectory& tables() const { return *directory_; }
  // Whether every watch has completed its first list.
  bool synced() const;
  bool WaitSynced(std::chrono::milliseconds timeout) const;

  std::vector<metrics::Counter> Counters() const;
  // One line for the start-up log: what is watched, from where.
  std::string Describe() const;

 private:
  struct Watch {
    std::string kind;  // "local_pods", "remote_pods", "services": the counters' watch label
    std::unique_ptr<ApiClient> client;
    std::unique_ptr<ReflectorHandler> handler;
    std::unique_ptr<Reflector> reflector;
    std::thread thread;
    std::atomic<bool> finished{false};
  };

  void AddWatch(const std::string& kind, const std::string& path, const std::string& field_selector,
                std::unique_ptr<ReflectorHandler> handler);

  const WatcherOptions options_;
  Log log_;
  std::shared_ptr<TokenSource> token_;
  std::shared_ptr<KubeDirectory> directory_;
  std::unique_ptr<ApiClient> owner_client_;
  std::unique_ptr<WorkloadResolver> resolver_;
  HandlerStats handler_stats_;
  StopSignal stop_;
  std::vector<std::unique_ptr<Watch>> watches_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace apisensor::k8s::api
