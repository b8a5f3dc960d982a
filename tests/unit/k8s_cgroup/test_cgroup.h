// Real cgroup v2 directories for tests (root only): created under a private root below the
// cgroup2 mount, shaped like a runtime's, and removed with every process moved back out.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/support/skip_outside_ci.h"

namespace apisensor::testing {

// GTEST_SKIP()s outside CI when not root or without a cgroup2 mount; fails with CI=true.
#define APISENSOR_REQUIRE_CGROUP_ROOT()                                                        \
  do {                                                                                         \
    if (const std::string why = ::apisensor::testing::CgroupTestsImpossible(); !why.empty()) { \
      APISENSOR_SKIP_OUTSIDE_CI(why);                                                          \
    }                                                                                          \
  } while (0)

// "" when this process can create cgroups, else why not.
std::string CgroupTestsImpossible();

class TestCgroup {
 public:
  // Creates <mount>/apisensor-test-<pid>-<n>/<relative> with every parent.
  explicit TestCgroup(const std::string& relative);
  ~TestCgroup();
  TestCgroup(const TestCgroup&) = delete;
  TestCgroup& operator=(const TestCgroup&) = delete;

  const std::string& mount() const { return mount_; }
  const std::string& path() const { return path_; }  // absolute
  uint64_t id() const { return id_; }                // its inode: the BPF cgroup id
  void Enter(pid_t pid) const;                       // moves a process in
  // Removes the directories now (moving any process out first); the destructor then does nothing.
  void Remove();

 private:
  std::string mount_;
  std::vector<std::string> created_;  // outermost first
  std::string path_;
  uint64_t id_ = 0;
};

}  // namespace apisensor::testing
