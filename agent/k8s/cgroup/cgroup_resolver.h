// From an exchange's cgroup id (bpf_get_current_cgroup_id(): the cgroup v2 directory's inode
// number) to the container and pod it belongs to, on the pipeline thread.
//
// A miss opens the cgroup directory by its id (open_by_handle_at on the cgroup2 mount: the kernel
// finds it directly, however many cgroups exist) and reads its path back from /proc/self/fd;
// where that is refused (no CAP_DAC_READ_SEARCH, an old kernel), the process's own
// /proc/<pid>/cgroup `0::` line is used, checked against the id so a process that moved since is
// not misattributed. Answers, including "no container", are cached per id: a hit is a hash
// lookup, never a system call. Entries live for a bounded time (the TTL), so a cgroup removed and
// its id reused cannot keep its old identity; the cache is capped, oldest entry out first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "agent/k8s/cgroup/container_identity.h"

namespace apisensor::k8s {

struct CgroupResolverOptions {
  std::string mount;  // the cgroup2 mount point; "" finds it in /proc/self/mountinfo
  size_t max_entries = 8192;
  uint64_t ttl_ns = 60ULL * 1'000'000'000;
  bool use_file_handles = true;  // false: /proc/<pid>/cgroup only (how the fallback is tested)
};

struct CgroupResolverStats {
  uint64_t lookups = 0;
  uint64_t misses = 0;         // lookups that had to resolve (the only ones making syscalls)
  uint64_t by_handle = 0;      // resolved by opening the cgroup by its id
  uint64_t by_proc = 0;        // resolved through /proc/<pid>/cgroup
  uint64_t unresolved = 0;     // neither worked: the cgroup is gone or unreachable
  uint64_t proc_mismatch = 0;  // /proc/<pid>/cgroup named another cgroup (the process moved)
  uint64_t containers = 0;     // resolutions that found a container or pod
  uint64_t expired = 0;        // entries dropped after their TTL
  uint64_t evicted = 0;        // entries dropped because the cache was full
};

class CgroupResolver {
 public:
  // Never fails: without a cgroup2 mount, only /proc/<pid>/cgroup is read (unchecked).
  explicit CgroupResolver(const CgroupResolverOptions& options = {});
  ~CgroupResolver();
  CgroupResolver(const CgroupResolver&) = delete;
  CgroupResolver& operator=(const CgroupResolver&) = delete;

  // nullptr when the cgroup is no container's or pod's, or cannot be found. `pid` is a process
  // that ran in it (for the fallback); `now_ns` any non-decreasing clock (the TTL's).
  std::shared_ptr<const ContainerIdentity> Resolve(uint64_t cgroup_id, uint32_t pid,
                                                   uint64_t now_ns);

  // The cgroup's path relative to the cgroup2 root ("/kubepods.slice/…"), uncached.
  std::optional<std::string> PathOf(uint64_t cgroup_id, uint32_t pid);

  const std::string& mount() const { return mount_; }
  size_t size() const { return entries_.size(); }
  const CgroupResolverStats& stats() const { return stats_; }

 private:
  struct Entry {
    std::shared_ptr<const ContainerIdentity> identity;
    uint64_t resolved_ns = 0;
  };
  struct Expiry {
    uint64_t cgroup_id;
    uint64_t resolved_ns;
  };

  std::optional<std::string> PathByHandle(uint64_t cgroup_id);
  std::optional<std::string> PathByProc(uint64_t cgroup_id, uint32_t pid);
  void Expire(uint64_t now_ns);

  CgroupResolverOptions options_;
  std::string mount_;
  int mount_fd_ = -1;
  bool handles_work_ = true;
  std::unordered_map<uint64_t, Entry> entries_;
  // Insertion order, which with one TTL for all is also expiry order: the front expires first.
  std::deque<Expiry> order_;
  uint64_t now_ns_ = 0;
  CgroupResolverStats stats_;
};

}  // namespace apisensor::k8s
