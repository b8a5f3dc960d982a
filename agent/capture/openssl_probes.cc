#include "agent/capture/openssl_probes.h"

#include <bpf/libbpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "agent/capture/openssl_internals.h"

namespace apisensor::capture {
namespace {

// Where distributions keep shared libraries: probed at start even if no process maps libssl
// yet, so the first TLS call of a process started later is already seen.
constexpr std::array<const char*, 6> kLibraryDirs = {
    "/usr/lib/x86_64-linux-gnu",
    "/lib/x86_64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
    "/usr/local/lib64",
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string DeviceString(dev_t dev) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02x:%02x", major(dev), minor(dev));
  return buf;
}

}  // namespace

std::optional<InternalFunctions> FindInternalFunctions(const std::string& path) {
  const std::unique_ptr<ElfFile> file = ElfFile::Open(path);
  if (!file) return std::nullopt;
  // The internal function both forms of a call wrap, if it starts with an emulated push.
  auto internal_of = [&](const char* plain, const char* ex) -> std::optional<uint64_t> {
    constexpr size_t kPrologueBytes = 96;
    const std::optional<ElfFunction> a = file->FindFunction(plain, kPrologueBytes);
    const std::optional<ElfFunction> b = file->FindFunction(ex, kPrologueBytes);
    if (!a || !b) return std::nullopt;
    const std::optional<uint64_t> target = WrappedCallTarget(a->code, a->address);
    // Both wrapping the same function is what identifies it as the shared internal one.
    if (!target || target != WrappedCallTarget(b->code, b->address)) return std::nullopt;
    const std::optional<ElfFunction> internal = file->FunctionAt(*target, 16);
    if (!internal || !StartsWithPush(internal->code, internal->address)) return std::nullopt;
    return internal->file_offset;
  };
  const std::optional<uint64_t> read = internal_of("SSL_read", "SSL_read_ex");
  const std::optional<uint64_t> write = internal_of("SSL_write", "SSL_write_ex");
  if (!read || !write || *read == 0 || *write == 0) return std::nullopt;
  return InternalFunctions{*read, *write};
}

uint64_t SslFreeProbeOffset(const std::string& path) {
  const std::unique_ptr<ElfFile> file = ElfFile::Open(path);
  if (!file) return 0;
  const std::optional<ElfFunction> ssl_free = file->FindFunction("SSL_free", 64);
  if (!ssl_free) return 0;
  return FirstEmulatedOffset(ssl_free->code, ssl_free->address).value_or(0);
}

void OpenSslProbes::LinkDeleter::operator()(bpf_link* link) const { bpf_link__destroy(link); }

OpenSslProbes::OpenSslProbes(const OpenSslPrograms& programs, bool public_only,
                             void (*log)(const std::string& line))
    : programs_(programs), public_only_(public_only), log_(log) {}

OpenSslProbes::~OpenSslProbes() = default;

size_t OpenSslProbes::attached_count() const {
  size_t n = 0;
  for (const TlsLibrary& library : libraries_) n += library.attached ? 1 : 0;
  return n;
}

size_t OpenSslProbes::failed_count() const { return libraries_.size() - attached_count(); }

void OpenSslProbes::ScanHost() {
  for (const char* dir : kLibraryDirs) {
    DIR* d = opendir(dir);
    if (d == nullptr) continue;
    while (const dirent* entry = readdir(d)) {
      const std::string path = std::string(dir) + "/" + entry->d_name;
      if (!IsLibsslName(path)) continue;
      struct stat st {};
      if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      // libssl.so is usually a symlink to libssl.so.3: show the file itself.
      std::unique_ptr<char, decltype(&std::free)> real(realpath(path.c_str(), nullptr), &std::free);
      const std::string shown = real ? real.get() : path;
      Probe(shown, shown, "host library", {DeviceString(st.st_dev), st.st_ino});
    }
    closedir(d);
  }
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return;
  while (const dirent* entry = readdir(proc)) {
    char* end = nullptr;
    const unsigned long pid = std::strtoul(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    ScanProcess(static_cast<uint32_t>(pid));
    CheckExecutable(static_cast<uint32_t>(pid));
  }
  closedir(proc);
}

void OpenSslProbes::ScanProcess(uint32_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  for (const MappedFile& file : ParseMaps(ReadFile(proc + "/maps"))) {
    if (!file.executable || !IsLibsslName(file.path)) continue;
    // Through the process's root, so a library inside a container's filesystem is found.
    Probe(proc + "/root" + file.path, file.path, "mapped by pid " + std::to_string(pid),
          {file.device, file.inode});
  }
}

void OpenSslProbes::CheckExecutable(uint32_t pid) {
  const std::string exe = "/proc/" + std::to_string(pid) + "/exe";
  struct stat st {};
  if (stat(exe.c_str(), &st) != 0) return;  // gone already, or a kernel thread
  std::pair<std::string, uint64_t> identity{DeviceString(st.st_dev), st.st_ino};
  if (seen_.contains(identity) || plain_executables_.contains(identity)) return;
  if (!DefinesOpenSsl(exe)) {
    constexpr size_t kMaxRemembered = 4096;
    if (plain_executables_.size() >= kMaxRemembered) plain_executables_.clear();
    plain_executables_.insert(std::move(identity));
    return;
  }
  char target[PATH_MAX];
  const ssize_t n = readlink(exe.c_str(), target, sizeof(target) - 1);
  const std::string shown = n > 0 ? std::string(target, static_cast<size_t>(n)) : exe;
  Probe(exe, shown, "executable of pid " + std::to_string(pid), identity);
}

void OpenSslProbes::Probe(const std::string& host_path, const std::string& shown_path,
                          const std::string& found_as,
                          const std::pair<std::string, uint64_t>& identity) {
  if (!seen_.insert(identity).second) return;
  TlsLibrary library{.path = shown_path, .found_as = found_as};

  std::vector<std::unique_ptr<bpf_link, LinkDeleter>> links;
  std::vector<Attachment> plan;
  const std::optional<InternalFunctions> internals =
      public_only_ ? std::nullopt : FindInternalFunctions(host_path);
  if (internals) {
    library.probe_points = "internal read/write functions";
    plan = {
        {programs_.ssl_read_internal, "ssl_read_internal", internals->read_offset, false},
        {programs_.ssl_return, "ssl_read_internal", internals->read_offset, true},
        {programs_.ssl_write_internal, "ssl_write_internal", internals->write_offset, false},
        {programs_.ssl_return, "ssl_write_internal", internals->write_offset, true},
    };
  } else {
    library.probe_points = "SSL_read/SSL_write entry and return";
    plan = {
        {programs_.ssl_write, "SSL_write", 0, false},
        {programs_.ssl_return, "SSL_write", 0, true},
        {programs_.ssl_read, "SSL_read", 0, false},
        {programs_.ssl_return, "SSL_read", 0, true},
        {programs_.ssl_write_ex, "SSL_write_ex", 0, false},
        {programs_.ssl_return, "SSL_write_ex", 0, true},
        {programs_.ssl_read_ex, "SSL_read_ex", 0, false},
        {programs_.ssl_return, "SSL_read_ex", 0, true},
    };
  }
  plan.push_back({programs_.ssl_free, "SSL_free", 0, false, SslFreeProbeOffset(host_path)});
  for (const Attachment& a : plan) {
    // By symbol (plus an offset into the function) for public functions; by file offset for the
    // internal ones, which have no symbol.
    LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = a.retprobe,
                .func_name = a.file_offset == 0 ? a.function : nullptr);
    const uint64_t offset = a.file_offset != 0 ? a.file_offset : a.offset_in_function;
    bpf_link* link =
        bpf_program__attach_uprobe_opts(a.program, -1, host_path.c_str(), offset, &opts);
    if (link == nullptr) {
      const int err = errno;
      // OpenSSL 1.0 has no _ex forms; everything else is required.
      if (std::strstr(a.function, "_ex") != nullptr && err == ENOENT) continue;
      library.problem =
          std::string("cannot probe ") + a.function + " (" + std::strerror(err) +
          (err == ENOENT ? ": no such symbol, a stripped or non-OpenSSL library" : "") + ")";
      break;
    }
    links.emplace_back(link);
  }
  library.attached = library.problem.empty();
  if (library.attached) {
    for (auto& link : links) links_.push_back(std::move(link));
  }
  if (log_ != nullptr) {
    const std::string where = " (" + found_as + ")";
    log_(library.attached
             ? "TLS: probing OpenSSL in " + shown_path + where + " at its " + library.probe_points
             : "TLS: not probing " + shown_path + where + ": " + library.problem +
                   "; its processes' TLS traffic stays invisible");
  }
  libraries_.push_back(std::move(library));
}

}  // namespace apisensor::capture
