#include "agent/k8s/api/kube_watcher.h"

#include <cstdio>
#include <stdexcept>

namespace apisensor::k8s::api {
namespace {

KubeWatcher::Log OrStderr(KubeWatcher::Log log) {
  if (log) return log;
  return [](const std::string& line) { std::fprintf(stderr, "apisensor: %s\n", line.c_str()); };
}

}  // namespace

KubeWatcher::KubeWatcher(WatcherOptions options, Log log)
    : options_(std::move(options)), log_(OrStderr(std::move(log))) {
  for (const std::string& ns : options_.namespaces) {
    if (!ValidName(ns)) {
      throw std::runtime_error("\"" + Sanitize(ns, 80) +
                               "\" is not a Kubernetes namespace name (lowercase letters, digits "
                               "and '-').");
    }
  }
  token_ = std::make_shared<TokenSource>(options_.cluster.token_file, options_.token_reread);
  directory_ = std::make_shared<KubeDirectory>(options_.caps);
  owner_client_ = std::make_unique<ApiClient>(options_.cluster, token_, options_.http);
  resolver_ =
      std::make_unique<WorkloadResolver>(owner_client_.get(), options_.owner_cache_cap, log_);

  const std::string& node = options_.cluster.node_name;
  if (node.empty()) {
    log_(
        "NODE_NAME is not set, so this node's pods cannot be told apart: every pod is indexed by "
        "UID and address without labels or exact owners; set NODE_NAME from the downward API "
        "(fieldRef spec.nodeName).");
  }
  std::vector<std::string> scopes = options_.namespaces;
  if (scopes.empty()) scopes.emplace_back();
  for (const std::string& ns : scopes) {
    const std::string base = ns.empty() ? "/api/v1/" : "/api/v1/namespaces/" + ns + "/";
    if (!node.empty()) {
      AddWatch("local_pods", base + "pods", "spec.nodeName=" + node,
               std::make_unique<PodHandler>(PodScope::kLocal, ns, *directory_, *resolver_,
                                            options_.limits, handler_stats_));
    }
    if (options_.watch_remote_pods || node.empty()) {
      AddWatch("remote_pods", base + "pods", node.empty() ? "" : "spec.nodeName!=" + node,
               std::make_unique<PodHandler>(PodScope::kRemote, ns, *directory_, *resolver_,
                                            options_.limits, handler_stats_));
    }
    if (options_.watch_services) {
      AddWatch("services", base + "services", "",
               std::make_unique<ServiceHandler>(ns, *directory_, handler_stats_));
    }
  }
}

KubeWatcher::~KubeWatcher() { Stop(); }

void KubeWatcher::AddWatch(const std::string& kind, const std::string& path,
                           const std::string& field_selector,
                           std::unique_ptr<ReflectorHandler> handler) {
  auto watch = std::make_unique<Watch>();
  watch->kind = kind;
  watch->client = std::make_unique<ApiClient>(options_.cluster, token_, options_.http);
  watch->handler = std::move(handler);
  ReflectorOptions r;
  r.resource = kind == "services" ? "services" : "pods";
  r.path = path;
  r.field_selector = field_selector;
  r.page_size = options_.page_size;
  r.resync_interval = options_.resync_interval;
  r.watch_timeout_s = options_.watch_timeout_s;
  r.watch_read_margin = options_.watch_read_margin;
  r.backoff_initial = options_.backoff_initial;
  r.backoff_max = options_.backoff_max;
  watch->reflector =
      std::make_unique<Reflector>(std::move(r), *watch->client, *watch->handler, stop_, log_);
  watches_.push_back(std::move(watch));
}

void KubeWatcher::Start() {
  if (started_ || stopped_) return;
  started_ = true;
  for (const auto& watch : watches_) {
    Watch* w = watch.get();
    w->thread = std::thread([w] {
      w->reflector->Run();
      w->finished = true;
    });
  }
}

void KubeWatcher::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_.Stop();
  // A request may be between its abort check and its connect when Abort() runs: abort again
  // until every loop has seen it.
  for (;;) {
    owner_client_->Abort();
    bool all_finished = true;
    for (const auto& watch : watches_) {
      watch->client->Abort();
      if (watch->thread.joinable() && !watch->finished) all_finished = false;
    }
    if (all_finished) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (const auto& watch : watches_) {
    if (watch->thread.joinable()) watch->thread.join();
  }
}

bool KubeWatcher::synced() const {
  for (const auto& watch : watches_) {
    if (!watch->reflector->stats().synced) return false;
  }
  return true;
}

bool KubeWatcher::WaitSynced(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!synced()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string KubeWatcher::Describe() const {
  std::string what;
  for (const auto& watch : watches_) {
    if (!what.empty()) what += ", ";
    what += watch->reflector->options().path;
    if (!watch->reflector->options().field_selector.empty()) {
      what += " (" + watch->reflector->options().field_selector + ")";
    }
  }
  return "Kubernetes API at " + ApiOrigin(options_.cluster) + ": watching " + what + ".";
}

std::vector<metrics::Counter> KubeWatcher::Counters() const {
  std::vector<metrics::Counter> out;
  // One series per watch kind, summed over namespaces.
  const char* kinds[] = {"local_pods", "remote_pods", "services"};
  for (const char* kind : kinds) {
    ReflectorStats sum;
    bool any = false;
    sum.synced = true;
    for (const auto& watch : watches_) {
      if (watch->kind != kind) continue;
      any = true;
      const ReflectorStats s = watch->reflector->stats();
      sum.lists += s.lists;
      sum.list_pages += s.list_pages;
      sum.added += s.added;
      sum.modified += s.modified;
      sum.deleted += s.deleted;
      sum.bookmarks += s.bookmarks;
      sum.error_events += s.error_events;
      sum.relists_gone += s.relists_gone;
      sum.resyncs += s.resyncs;
      sum.reconnects += s.reconnects;
      sum.errors += s.errors;
      sum.auth_failures += s.auth_failures;
      sum.bad_events += s.bad_events;
      sum.oversize += s.oversize;
      sum.synced = sum.synced && s.synced;
    }
    if (!any) continue;
    const std::string watch = metrics::Label("watch", kind);
    const auto typed = [&](const char* type) { return watch + "," + metrics::Label("type", type); };
    out.push_back({"k8s_lists", "Complete LISTs from the Kubernetes API (first, 410 Gone, resync)",
                   sum.lists, false, watch});
    out.push_back({"k8s_list_pages", "LIST requests (pages) sent to the Kubernetes API",
                   sum.list_pages, false, watch});
    const char* events_help = "Watch events received from the Kubernetes API, by type";
    out.push_back({"k8s_watch_events", events_help, sum.added, false, typed("added")});
    out.push_back({"k8s_watch_events", events_help, sum.modified, false, typed("modified")});
    out.push_back({"k8s_watch_events", events_help, sum.deleted, false, typed("deleted")});
    out.push_back({"k8s_watch_events", events_help, sum.bookmarks, false, typed("bookmark")});
    out.push_back({"k8s_watch_events", events_help, sum.error_events, false, typed("error")});
    out.push_back({"k8s_relists_gone",
                   "Relists because the watched resourceVersion expired (410 Gone)",
                   sum.relists_gone, false, watch});
    out.push_back({"k8s_resyncs", "Periodic relists (resync interval)", sum.resyncs, false, watch});
    out.push_back({"k8s_reconnects",
                   "Lists or watches retried after a failure or a dropped connection",
                   sum.reconnects, false, watch});
    out.push_back({"k8s_errors",
                   "Failed Kubernetes API requests: no answer, HTTP errors, unusable answers",
                   sum.errors, false, watch});
    out.push_back({"k8s_auth_failures", "Kubernetes API requests refused with 401 or 403",
                   sum.auth_failures, false, watch});
    out.push_back({"k8s_bad_events", "Watch stream lines that are not events, skipped",
                   sum.bad_events, false, watch});
    out.push_back({"k8s_oversize",
                   "Kubernetes API answers or watch events beyond the size caps, abandoned",
                   sum.oversize, false, watch});
    out.push_back({"k8s_synced", "1 once the watch has completed its first list",
                   sum.synced ? 1u : 0u, true, watch});
  }
  const DirectoryStats d = directory_->stats();
  out.push_back({"k8s_local_pods", "This node's pods known now", d.local_pods, true});
  out.push_back(
      {"k8s_remote_pods", "Other nodes' pods indexed by address now", d.remote_pods, true});
  out.push_back({"k8s_services", "Services known now", d.services, true});
  out.push_back({"k8s_local_pods_dropped", "This node's pods refused by the table cap",
                 d.local_pods_dropped});
  out.push_back({"k8s_remote_pods_dropped", "Other nodes' pods refused by the table cap",
                 d.remote_pods_dropped});
  out.push_back({"k8s_services_dropped", "Services refused by the table cap", d.services_dropped});
  out.push_back(
      {"k8s_bad_objects",
       "Objects without a valid uid, name or namespace (or of another namespace), skipped",
       handler_stats_.bad_objects.load()});
  out.push_back({"k8s_labels_dropped", "Pod labels beyond the per-pod caps, not kept",
                 handler_stats_.labels_dropped.load()});
  const ResolverStats r = resolver_->stats();
  out.push_back(
      {"k8s_owner_lookups", "GETs of ReplicaSets and Jobs to find pods' workloads", r.lookups});
  out.push_back({"k8s_owner_lookup_errors", "Owner GETs that failed (workload then inferred)",
                 r.lookup_errors});
  out.push_back({"k8s_owner_cache_entries", "Owners cached now", r.cache_entries, true});
  out.push_back(
      {"k8s_owner_cache_evictions", "Owners dropped from the full cache", r.cache_evictions});
  return out;
}

}  // namespace apisensor::k8s::api
