#include "agent/capture/preflight.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace apisensor::capture {
namespace {

// bpf_rdonly_cast (6.2) is the newest kernel feature the programs rely on (bpf_loop: 5.17).
constexpr int kMinMajor = 6;
constexpr int kMinMinor = 2;

bool KernelAtLeast(int major, int minor, std::string* release) {
  utsname u{};
  if (uname(&u) != 0) return true;  // cannot tell: let libbpf decide
  *release = u.release;
  int have_major = 0;
  int have_minor = 0;
  if (std::sscanf(u.release, "%d.%d", &have_major, &have_minor) != 2) return true;
  return have_major > major || (have_major == major && have_minor >= minor);
}

}  // namespace

std::optional<std::string> PreflightProblem() {
  if (geteuid() != 0) {
    return "loading eBPF programs needs root: run it again as root (for example with sudo).";
  }
  if (!std::filesystem::exists("/sys/kernel/btf/vmlinux")) {
    return "this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing), which apisensor's "
           "CO-RE programs need: use a kernel built with CONFIG_DEBUG_INFO_BTF=y.";
  }
  std::string release;
  if (!KernelAtLeast(kMinMajor, kMinMinor, &release)) {
    return "kernel " + release + " is too old: apisensor needs Linux " + std::to_string(kMinMajor) +
           "." + std::to_string(kMinMinor) +
           " or later (tp_btf tracepoints, bpf_loop and bpf_rdonly_cast).";
  }
  return std::nullopt;
}

}  // namespace apisensor::capture
