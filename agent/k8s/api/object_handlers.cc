#include "agent/k8s/api/object_handlers.h"

namespace apisensor::k8s::api {
namespace {

ServiceEntry MakeServiceEntry(ServiceObject service) {
  ServiceEntry entry;
  entry.ips = std::move(service.ips);
  entry.meta = std::make_shared<const ServiceMetadata>(std::move(service.meta));
  return entry;
}

}  // namespace

PodHandler::PodHandler(PodScope scope, std::string ns, KubeDirectory& directory,
                       WorkloadResolver& resolver, ObjectLimits limits, HandlerStats& stats)
    : scope_(scope),
      ns_(std::move(ns)),
      directory_(directory),
      resolver_(resolver),
      limits_(limits),
      stats_(stats) {}

std::optional<PodEntry> PodHandler::Entry(const rapidjson::Value& object,
                                          std::string* deleted_uid) {
  std::optional<PodObject> pod = ParsePod(object, limits_);
  // A namespaced watch keeps its namespace's objects only: another watch owns the rest.
  if (!pod || (!ns_.empty() && pod->meta.namespace_name != ns_)) {
    ++stats_.bad_objects;
    return std::nullopt;
  }
  if (deleted_uid != nullptr) {
    *deleted_uid = std::move(pod->meta.uid);
    return std::nullopt;
  }
  resolver_.Resolve(*pod, scope_ == PodScope::kLocal);
  PodEntry entry;
  if (AddressesIdentify(*pod)) entry.ips = std::move(pod->ips);
  entry.cgroup_uid = std::move(pod->mirror_of);
  if (scope_ == PodScope::kRemote) {
    pod->meta.labels.clear();
    pod->meta.service_account.clear();
  } else {
    stats_.labels_dropped += pod->labels_dropped;
  }
  entry.meta = std::make_shared<const PodMetadata>(std::move(pod->meta));
  return entry;
}

void PodHandler::BeginList() {
  pending_.clear();
  over_cap_ = 0;
}

void PodHandler::ListItem(const rapidjson::Value& object) {
  // Bounded while reading: a huge cluster must not build a huge vector first.
  if (pending_.size() >= directory_.cap(scope_)) {
    ++over_cap_;
    return;
  }
  std::optional<PodEntry> entry = Entry(object, nullptr);
  if (entry) pending_.push_back(std::move(*entry));
}

void PodHandler::CommitList() {
  directory_.ReplacePods(scope_, ns_, std::move(pending_), over_cap_);
  pending_ = {};
  over_cap_ = 0;
}

void PodHandler::Event(EventType type, const rapidjson::Value& object) {
  if (type == EventType::kDeleted) {
    std::string uid;
    Entry(object, &uid);
    if (!uid.empty()) directory_.DeletePod(scope_, uid);
    return;
  }
  std::optional<PodEntry> entry = Entry(object, nullptr);
  if (entry) directory_.UpsertPod(scope_, std::move(*entry));
}

ServiceHandler::ServiceHandler(std::string ns, KubeDirectory& directory, HandlerStats& stats)
    : ns_(std::move(ns)), directory_(directory), stats_(stats) {}

void ServiceHandler::BeginList() {
  pending_.clear();
  over_cap_ = 0;
}

void ServiceHandler::ListItem(const rapidjson::Value& object) {
  if (pending_.size() >= directory_.service_cap()) {
    ++over_cap_;
    return;
  }
  std::optional<ServiceObject> service = ParseService(object);
  if (!service || (!ns_.empty() && service->meta.namespace_name != ns_)) {
    ++stats_.bad_objects;
    return;
  }
  pending_.push_back(MakeServiceEntry(std::move(*service)));
}

void ServiceHandler::CommitList() {
  directory_.ReplaceServices(ns_, std::move(pending_), over_cap_);
  pending_ = {};
  over_cap_ = 0;
}

void ServiceHandler::Event(EventType type, const rapidjson::Value& object) {
  std::optional<ServiceObject> service = ParseService(object);
  if (!service || (!ns_.empty() && service->meta.namespace_name != ns_)) {
    ++stats_.bad_objects;
    return;
  }
  if (type == EventType::kDeleted) {
    directory_.DeleteService(service->meta.namespace_name, service->meta.name);
  } else {
    directory_.UpsertService(MakeServiceEntry(std::move(*service)));
  }
}

}  // namespace apisensor::k8s::api
