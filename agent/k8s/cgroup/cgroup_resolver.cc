#include "agent/k8s/cgroup/cgroup_resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "agent/k8s/cgroup/cgroup_mount.h"
#include "agent/k8s/cgroup/cgroup_path.h"

namespace apisensor::k8s {
namespace {

// kernfs (cgroupfs) file handles: type FILEID_KERNFS, the 64-bit node id, which is also the
// directory's inode number and bpf_get_current_cgroup_id()'s answer.
constexpr int kFileIdKernfs = 0xfe;

// /proc/<pid>/cgroup is a few hundred bytes; a path longer than this is no path we parse.
constexpr size_t kMaxProcCgroupBytes = 64 * 1024;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::optional<std::string> ReadSmallFile(const char* path) {
  Fd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  std::string text;
  char buf[4096];
  while (text.size() < kMaxProcCgroupBytes) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

CgroupResolver::CgroupResolver(const CgroupResolverOptions& options) : options_(options) {
  options_.max_entries = std::max<size_t>(options_.max_entries, 1);
  mount_ = options_.mount;
  if (mount_.empty()) mount_ = FindCgroup2Mount().value_or("");
  while (mount_.size() > 1 && mount_.back() == '/') mount_.pop_back();
  if (!mount_.empty()) mount_fd_ = ::open(mount_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  handles_work_ = options_.use_file_handles && mount_fd_ >= 0;
}

CgroupResolver::~CgroupResolver() {
  if (mount_fd_ >= 0) ::close(mount_fd_);
}

std::optional<std::string> CgroupResolver::PathByHandle(uint64_t cgroup_id) {
  if (!handles_work_) return std::nullopt;
  alignas(file_handle) unsigned char storage[sizeof(file_handle) + sizeof(uint64_t)] = {};
  auto* handle = reinterpret_cast<file_handle*>(storage);
  handle->handle_bytes = sizeof(uint64_t);
  handle->handle_type = kFileIdKernfs;
  std::memcpy(storage + sizeof(file_handle), &cgroup_id, sizeof(cgroup_id));
  Fd fd(::open_by_handle_at(mount_fd_, handle, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    // Refused outright (no CAP_DAC_READ_SEARCH, no kernfs handles): do not ask again. A stale
    // or unknown id (ESTALE, ENOENT) only means that cgroup is gone.
    if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) {
      handles_work_ = false;
    }
    return std::nullopt;
  }
  char link[64];
  std::snprintf(link, sizeof(link), "/proc/self/fd/%d", fd.get());
  std::string path(4096, '\0');
  const ssize_t n = ::readlink(link, path.data(), path.size());
  if (n <= 0 || static_cast<size_t>(n) >= path.size()) return std::nullopt;
  path.resize(static_cast<size_t>(n));
  if (path == mount_) return std::string("/");
  if (path.starts_with(mount_) && path.size() > mount_.size() && path[mount_.size()] == '/') {
    path.erase(0, mount_.size());
  }
  return path;
}

std::optional<std::string> CgroupResolver::PathByProc(uint64_t cgroup_id, uint32_t pid) {
  if (pid == 0) return std::nullopt;
  char file[48];
  std::snprintf(file, sizeof(file), "/proc/%u/cgroup", pid);
  const std::optional<std::string> text = ReadSmallFile(file);
  if (!text) return std::nullopt;
  const std::optional<std::string_view> path = CgroupV2PathOf(*text);
  if (!path) return std::nullopt;
  if (!mount_.empty()) {
    // The process may have moved since the exchange: only its current cgroup is listed. When the
    // path is reachable here, its inode says whether it is still the exchange's cgroup; when it is
    // not (another cgroup namespace's view), the path is all there is.
    struct stat st;
    const std::string full = mount_ + std::string(*path);
    if (::stat(full.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_ino) != cgroup_id) {
      ++stats_.proc_mismatch;
      return std::nullopt;
    }
  }
  return std::string(*path);
}

std::optional<std::string> CgroupResolver::PathOf(uint64_t cgroup_id, uint32_t pid) {
  if (std::optional<std::string> path = PathByHandle(cgroup_id)) {
    ++stats_.by_handle;
    return path;
  }
  if (std::optional<std::string> path = PathByProc(cgroup_id, pid)) {
    ++stats_.by_proc;
    return path;
  }
  ++stats_.unresolved;
  return std::nullopt;
}

void CgroupResolver::Expire(uint64_t now_ns) {
  while (!order_.empty() && now_ns - order_.front().resolved_ns >= options_.ttl_ns) {
    const Expiry e = order_.front();
    order_.pop_front();
    auto it = entries_.find(e.cgroup_id);
    if (it != entries_.end() && it->second.resolved_ns == e.resolved_ns) {
      entries_.erase(it);
      ++stats_.expired;
    }
  }
}

std::shared_ptr<const ContainerIdentity> CgroupResolver::Resolve(uint64_t cgroup_id, uint32_t pid,
                                                                 uint64_t now_ns) {
  ++stats_.lookups;
  if (cgroup_id == 0) return nullptr;  // not reported by the kernel
  now_ns_ = std::max(now_ns_, now_ns);
  Expire(now_ns_);
  if (auto it = entries_.find(cgroup_id); it != entries_.end()) return it->second.identity;

  ++stats_.misses;
  std::shared_ptr<const ContainerIdentity> identity;
  if (const std::optional<std::string> path = PathOf(cgroup_id, pid)) {
    if (std::optional<ContainerIdentity> parsed = ParseCgroupPath(*path)) {
      identity = std::make_shared<const ContainerIdentity>(std::move(*parsed));
      ++stats_.containers;
    }
  }
  while (entries_.size() >= options_.max_entries && !order_.empty()) {
    const Expiry e = order_.front();
    order_.pop_front();
    auto it = entries_.find(e.cgroup_id);
    if (it != entries_.end() && it->second.resolved_ns == e.resolved_ns) {
      entries_.erase(it);
      ++stats_.evicted;
    }
  }
  entries_[cgroup_id] = Entry{identity, now_ns_};
  order_.push_back({cgroup_id, now_ns_});
  return identity;
}

}  // namespace apisensor::k8s
