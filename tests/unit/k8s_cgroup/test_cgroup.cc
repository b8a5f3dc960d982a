#include "tests/unit/k8s_cgroup/test_cgroup.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "agent/k8s/cgroup/cgroup_mount.h"

namespace apisensor::testing {
namespace {

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + text + " to " + path);
}

std::vector<std::string> Pids(const std::string& dir) {
  std::ifstream in(dir + "/cgroup.procs");
  std::vector<std::string> pids;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) pids.push_back(line);
  }
  return pids;
}

}  // namespace

std::string CgroupTestsImpossible() {
  if (geteuid() != 0) return "creating cgroups needs root";
  if (!k8s::FindCgroup2Mount()) return "no cgroup2 file system is mounted";
  return "";
}

TestCgroup::TestCgroup(const std::string& relative) {
  static std::atomic<int> counter{0};
  mount_ = k8s::FindCgroup2Mount().value_or("");
  if (mount_.empty()) throw std::runtime_error("no cgroup2 mount");
  std::string dir =
      mount_ + "/apisensor-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  std::string rest = relative;
  while (true) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      throw std::runtime_error("mkdir " + dir + ": " + std::strerror(errno));
    }
    created_.push_back(dir);
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    if (rest.empty()) break;
    const size_t slash = rest.find('/');
    dir += "/" + rest.substr(0, slash);
    rest = slash == std::string::npos ? "" : rest.substr(slash);
  }
  path_ = dir;
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) throw std::runtime_error("stat " + path_);
  id_ = st.st_ino;
}

TestCgroup::~TestCgroup() { Remove(); }

void TestCgroup::Enter(pid_t pid) const { WriteFile(path_ + "/cgroup.procs", std::to_string(pid)); }

void TestCgroup::Remove() {
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    for (const std::string& pid : Pids(*it)) {
      try {
        WriteFile(mount_ + "/cgroup.procs", pid);
      } catch (const std::exception&) {
        // Gone meanwhile.
      }
    }
    // A process that just exited can keep its cgroup busy for a moment.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (::rmdir(it->c_str()) != 0 && errno == EBUSY &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  created_.clear();
}

}  // namespace apisensor::testing
