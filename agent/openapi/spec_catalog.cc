#include "agent/openapi/spec_catalog.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "agent/text/ascii_case.h"
#include "agent/text/host_port.h"

namespace apisensor::openapi {
namespace {

namespace fs = std::filesystem;

bool IsSpecFileName(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.empty() || name.front() == '.') return false;
  const std::string extension = text::AsciiLowerCopy(path.extension().string());
  return extension == ".yaml" || extension == ".yml" || extension == ".json";
}

template <typename Key>
using SpecGroups = std::map<Key, std::vector<std::shared_ptr<const Spec>>, std::less<>>;

template <typename Key>
void AddToGroup(SpecGroups<Key>& groups, const Key& key, const std::shared_ptr<const Spec>& spec) {
  auto& list = groups[key];
  if (std::find(list.begin(), list.end(), spec) == list.end()) list.push_back(spec);
}

// This host, or every address of it (a server that listens on 0.0.0.0 or ::).
bool IsLocalHost(std::string_view host) {
  return text::IsLoopbackHost(host) || host == "0.0.0.0" || host == "::" ||
         host.ends_with(".localhost");
}

// Whether a server says which local port serves the spec (see SpecSet::ForPort).
bool BindsByPort(const ServerAddress& server) {
  return server.port != 0 && (server.port_explicit || IsLocalHost(server.host));
}

}  // namespace

SpecSource ParseSpecArgument(std::string_view argument) {
  if (argument.empty()) throw SpecError("empty argument");
  SpecSource out;
  std::error_code ec;
  const size_t equals = argument.find('=');
  const std::string_view service = argument.substr(0, equals);
  // A Kubernetes service name holds one '/' (namespace/workload) and never starts like a path.
  const bool path_like = service.starts_with('/') || service.starts_with('.') ||
                         std::count(service.begin(), service.end(), '/') > 1;
  if (equals == std::string_view::npos || path_like || fs::exists(fs::path(argument), ec)) {
    out.path = fs::path(argument);
    return out;
  }
  if (service.empty()) {
    throw SpecError("no service name before '='");
  }
  out.service = std::string(service);
  out.path = fs::path(argument.substr(equals + 1));
  if (out.path.empty()) throw SpecError("no path after '='");
  return out;
}

std::shared_ptr<const ServiceSpecs> SpecSet::ForService(std::string_view service) const {
  const auto it = by_service_.find(service);
  return it == by_service_.end() ? nullptr : it->second;
}

std::shared_ptr<const ServiceSpecs> SpecSet::ForPort(uint16_t port) const {
  const auto it = by_port_.find(port);
  return port == 0 || it == by_port_.end() ? nullptr : it->second;
}

std::shared_ptr<const ServiceSpecs> SpecSet::ForHost(std::string_view host) const {
  const auto it = by_host_.find(text::AsciiLowerCopy(host));
  return it == by_host_.end() ? nullptr : it->second;
}

std::vector<std::string> SpecSet::ExplicitServices() const {
  std::vector<std::string> out;
  out.reserve(by_service_.size());
  for (const auto& [service, specs] : by_service_) out.push_back(service);
  return out;
}

SpecCatalog::SpecCatalog(std::vector<SpecSource> sources, const CatalogLimits& limits)
    : sources_(std::move(sources)), limits_(limits), current_(std::make_shared<SpecSet>()) {}

std::shared_ptr<const SpecSet> SpecCatalog::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

bool SpecCatalog::VisitFile(size_t source, const fs::path& path, std::vector<FileKey>& seen) {
  FileKey key{source, path.string()};
  auto it = files_.find(key);
  if (it == files_.end()) {
    if (files_.size() >= limits_.max_files) {
      ++stats_.files_over_cap;
      return false;
    }
    it = files_.emplace(key, TrackedFile{}).first;
  }
  seen.push_back(std::move(key));
  TrackedFile& file = it->second;

  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    std::string error = path.string() + ": cannot read: " + std::strerror(errno);
    const bool changed = file.stat_ok || file.error != error;
    file.stat_ok = false;
    file.identity = FileIdentity{};
    file.error = std::move(error);
    return changed;
  }
  FileIdentity identity;
  identity.device = static_cast<uint64_t>(st.st_dev);
  identity.inode = static_cast<uint64_t>(st.st_ino);
  identity.size = static_cast<uint64_t>(st.st_size);
  identity.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  identity.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
  if (file.stat_ok && identity == file.identity) return false;

  file.stat_ok = true;
  file.identity = identity;
  ++stats_.files_parsed;
  try {
    file.spec = std::make_shared<const Spec>(LoadSpecFile(path, limits_.spec));
    file.error.clear();
  } catch (const SpecError& e) {
    ++stats_.parse_failures;
    file.error = e.what();
  } catch (const std::exception& e) {  // std::bad_alloc and friends: still not fatal
    ++stats_.parse_failures;
    file.error = path.string() + ": " + e.what();
  }
  return true;
}

bool SpecCatalog::VisitDirectory(size_t source, std::vector<FileKey>& seen,
                                 std::vector<std::string>& source_errors) {
  const fs::path& directory = sources_[source].path;
  std::vector<fs::path> names;
  std::error_code ec;
  fs::directory_iterator it(directory, ec);
  const fs::directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code status_ec;
    if (IsSpecFileName(it->path()) && it->is_regular_file(status_ec)) names.push_back(it->path());
  }
  if (ec) {
    source_errors.push_back(directory.string() + ": cannot list: " + ec.message());
    // Keep what the directory had rather than drop it on a transient failure.
    for (const auto& [key, file] : files_) {
      if (key.first == source) seen.push_back(key);
    }
    return false;
  }
  std::sort(names.begin(), names.end());
  bool changed = false;
  const uint64_t over_cap_before = stats_.files_over_cap;
  for (const fs::path& name : names) changed |= VisitFile(source, name, seen);
  if (stats_.files_over_cap != over_cap_before) {
    source_errors.push_back(
        directory.string() + ": more than " + std::to_string(limits_.max_files) +
        " spec files: " + std::to_string(stats_.files_over_cap - over_cap_before) + " ignored");
  }
  return changed;
}

bool SpecCatalog::ReloadIfChanged() {
  ++stats_.passes;
  bool changed = generation_ == 0;
  std::vector<FileKey> seen;
  std::vector<std::string> source_errors;
  for (size_t source = 0; source < sources_.size(); ++source) {
    std::error_code ec;
    if (fs::is_directory(sources_[source].path, ec)) {
      changed |= VisitDirectory(source, seen, source_errors);
    } else {
      changed |= VisitFile(source, sources_[source].path, seen);
    }
  }
  std::sort(seen.begin(), seen.end());
  for (auto it = files_.begin(); it != files_.end();) {
    if (std::binary_search(seen.begin(), seen.end(), it->first)) {
      ++it;
    } else {
      it = files_.erase(it);  // gone from its directory
      changed = true;
    }
  }
  changed |= source_errors != source_errors_;
  source_errors_ = std::move(source_errors);
  if (changed) Publish();
  return changed;
}

void SpecCatalog::Publish() {
  auto set = std::make_shared<SpecSet>();
  set->generation_ = ++generation_;
  ++stats_.reloads;
  SpecGroups<std::string> bound;
  SpecGroups<uint16_t> by_port;
  SpecGroups<std::string> by_host;
  for (const auto& [key, file] : files_) {
    if (!file.error.empty()) {
      set->errors_.push_back(file.spec ? file.error + " (still using the version loaded before)"
                                       : file.error);
    }
    if (!file.spec) continue;
    const std::string& service = sources_[key.first].service;
    set->specs_.push_back({service, file.spec});
    if (!service.empty()) {
      AddToGroup(bound, service, file.spec);
      continue;
    }
    for (const ServerAddress& server : file.spec->servers) {
      if (BindsByPort(server)) AddToGroup(by_port, server.port, file.spec);
      if (!server.host.empty()) AddToGroup(by_host, server.host, file.spec);
    }
  }
  set->errors_.insert(set->errors_.end(), source_errors_.begin(), source_errors_.end());
  for (auto& [service, specs] : bound) {
    set->by_service_[service] = std::make_shared<const ServiceSpecs>(std::move(specs));
  }
  for (auto& [port, specs] : by_port) {
    set->by_port_[port] =
        std::make_shared<const ServiceSpecs>(std::move(specs), LineagePolicy::kByTitle);
  }
  for (auto& [host, specs] : by_host) {
    set->by_host_[host] =
        std::make_shared<const ServiceSpecs>(std::move(specs), LineagePolicy::kByTitle);
  }
  std::lock_guard lock(mutex_);
  current_ = std::move(set);
}

}  // namespace apisensor::openapi
