// Finds every OpenSSL library processes on this host use and attaches the TLS plaintext probes
// (bpf/openssl.bpf.h) to it. A uprobe belongs to a file, not a process, so each distinct libssl
// file is probed once and covers every process that maps it, now or later.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/capture/elf_functions.h"
#include "agent/capture/process_maps.h"

struct bpf_link;
struct bpf_program;

namespace apisensor::capture {

// The skeleton's programs, one per probed function (all data calls share one return probe).
struct OpenSslPrograms {
  bpf_program* ssl_write = nullptr;
  bpf_program* ssl_write_ex = nullptr;
  bpf_program* ssl_read = nullptr;
  bpf_program* ssl_read_ex = nullptr;
  bpf_program* ssl_read_internal = nullptr;
  bpf_program* ssl_write_internal = nullptr;
  bpf_program* ssl_return = nullptr;
  bpf_program* ssl_free = nullptr;
};

// One libssl file, as the status reports it.
struct TlsLibrary {
  std::string path;       // as the process sees it (inside its mount namespace)
  std::string found_as;   // "host library", "mapped by pid N", "executable of pid N"
  bool attached = false;  // false: `problem` says why not
  std::string problem;
  std::string probe_points;  // which functions carry the probes
};

// File offsets of OpenSSL's internal read and write functions (see openssl_internals.h), when
// the library's code has the expected shape; otherwise the public functions are probed.
struct InternalFunctions {
  uint64_t read_offset = 0;
  uint64_t write_offset = 0;
};
std::optional<InternalFunctions> FindInternalFunctions(const std::string& path);

// Where in SSL_free to probe so that the kernel emulates the instruction (0: its entry).
uint64_t SslFreeProbeOffset(const std::string& path);

class OpenSslProbes {
 public:
  // `log` receives one line per library probed or not probable (may be null). With
  // `public_only`, the internal functions are never used.
  OpenSslProbes(const OpenSslPrograms& programs, bool public_only,
                void (*log)(const std::string& line));
  ~OpenSslProbes();
  OpenSslProbes(const OpenSslProbes&) = delete;
  OpenSslProbes& operator=(const OpenSslProbes&) = delete;

  // The host's library directories and every running process.
  void ScanHost();
  // One process that just mapped a libssl, or any process: probes its libssl files not yet seen.
  void ScanProcess(uint32_t pid);
  // One process that just started a program: probes the executable if it holds OpenSSL itself.
  void CheckExecutable(uint32_t pid);

  const std::vector<TlsLibrary>& libraries() const { return libraries_; }
  size_t attached_count() const;
  size_t failed_count() const;

 private:
  struct LinkDeleter {
    void operator()(bpf_link* link) const;
  };
  struct Attachment {
    bpf_program* program;
    const char* function;  // for messages, and the symbol when file_offset is 0
    uint64_t file_offset;
    bool retprobe;
    uint64_t offset_in_function = 0;  // with a symbol: where in the function
  };
  // Probes `host_path` (a path this process can open) once per (device, inode).
  void Probe(const std::string& host_path, const std::string& shown_path,
             const std::string& found_as, const std::pair<std::string, uint64_t>& identity);

  OpenSslPrograms programs_;
  bool public_only_;
  void (*log_)(const std::string& line);
  std::set<std::pair<std::string, uint64_t>> seen_;  // (device, inode) of files already handled
  // Executables found not to hold OpenSSL; forgotten wholesale past a cap (rechecking is cheap).
  std::set<std::pair<std::string, uint64_t>> plain_executables_;
  std::vector<std::unique_ptr<bpf_link, LinkDeleter>> links_;
  std::vector<TlsLibrary> libraries_;
};

}  // namespace apisensor::capture
