// Every spec named on the command line (`--spec SERVICE=FILE`, `--spec SERVICE=DIR`,
// `--spec FILE`, `--spec DIR`), kept up to date by a cheap stat() pass, and published as
// immutable SpecSet snapshots that bind specs to services.
//
// A directory contributes each *.yaml, *.yml and *.json in it (not recursive; names starting
// with '.' are editor files and skipped). A spec given with SERVICE= is bound to that service;
// one without is unbound and offered by its servers' ports and hosts instead.
//
// Reload semantics: a file is parsed again only when its device, inode, size, mtime or ctime
// changed. A file that fails to parse keeps its previous good version (if any) and reports the
// error; a file that disappears from a directory is dropped; an explicitly named file that
// disappears, or a directory that cannot be listed, keeps what it had and reports the error.
// Nothing here is fatal: errors are sentences for the agent's log and status.
//
// Threads: ReloadIfChanged() from one thread at a time; current() from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/openapi/service_specs.h"
#include "agent/openapi/spec.h"
#include "agent/openapi/spec_parser.h"

namespace apisensor::openapi {

struct SpecSource {
  std::string service;         // "" when unbound
  std::filesystem::path path;  // a file or a directory
};

// "SERVICE=PATH" or "PATH". SERVICE is the text before the first '=' ("orders", "python3:8080",
// "shop/orders" for Kubernetes' namespace/workload); the whole argument is a path when there is
// no '=', when that text starts with '/' or '.' or holds more than one '/', or when the argument
// names an existing file or directory. Throws SpecError for an empty argument, service or path; its message is
// the problem alone ("no path after '='"), for the caller to prefix with the argument.
SpecSource ParseSpecArgument(std::string_view argument);

struct CatalogLimits {
  SpecLimits spec;
  size_t max_files = 1024;  // spec files tracked across all sources; more are skipped, reported
};

struct LoadedSpec {
  std::string service;  // "" when unbound
  std::shared_ptr<const Spec> spec;
};

// What was loaded at one moment. Immutable: share it freely across threads.
class SpecSet {
 public:
  // Specs bound with SERVICE=, as one API (LineagePolicy::kOneApi); nullptr when none.
  std::shared_ptr<const ServiceSpecs> ForService(std::string_view service) const;
  // Unbound specs with a server on this port, each info.title its own API (kByTitle); nullptr
  // when none. Only ports written in the URL count, or the scheme's default when the host is
  // local (localhost, loopback, 0.0.0.0): "https://api.example.com" names a remote API, which
  // ForHost finds, not whatever listens on 443 here.
  std::shared_ptr<const ServiceSpecs> ForPort(uint16_t port) const;
  // Unbound specs with a server on this host (case-insensitive, without port); nullptr when none.
  std::shared_ptr<const ServiceSpecs> ForHost(std::string_view host) const;

  std::vector<std::string> ExplicitServices() const;  // services named by SERVICE=
  const std::vector<LoadedSpec>& specs() const { return specs_; }
  // Current problems, one sentence each: parse errors (with whether a previous version is still
  // in use), unreadable files, unlistable directories, the file cap.
  const std::vector<std::string>& errors() const { return errors_; }
  uint64_t generation() const { return generation_; }  // 0 before the first load
  bool empty() const { return specs_.empty(); }

 private:
  friend class SpecCatalog;
  using Bindings = std::map<std::string, std::shared_ptr<const ServiceSpecs>, std::less<>>;

  std::vector<LoadedSpec> specs_;
  std::vector<std::string> errors_;
  Bindings by_service_;
  std::map<uint16_t, std::shared_ptr<const ServiceSpecs>> by_port_;
  Bindings by_host_;
  uint64_t generation_ = 0;
};

struct CatalogStats {
  uint64_t passes = 0;        // ReloadIfChanged calls
  uint64_t reloads = 0;       // passes that published a new SpecSet
  uint64_t files_parsed = 0;  // parse attempts
  uint64_t parse_failures = 0;
  uint64_t files_over_cap = 0;
};

class SpecCatalog {
 public:
  explicit SpecCatalog(std::vector<SpecSource> sources, const CatalogLimits& limits = {});

  // Stats every source file, parses what changed, drops what disappeared; the first call loads
  // everything. True when a new SpecSet was published (specs or errors changed).
  bool ReloadIfChanged();

  // Never null: an empty set before the first load.
  std::shared_ptr<const SpecSet> current() const;
  std::vector<std::string> errors() const { return current()->errors(); }
  const std::vector<SpecSource>& sources() const { return sources_; }
  const CatalogStats& stats() const { return stats_; }

 private:
  struct FileIdentity {
    uint64_t device = 0, inode = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const FileIdentity&) const = default;
  };
  struct TrackedFile {
    FileIdentity identity;
    bool stat_ok = false;
    std::shared_ptr<const Spec> spec;  // last good version
    std::string error;                 // "" when the file is fine
  };
  using FileKey = std::pair<size_t, std::string>;  // source index, path

  bool VisitFile(size_t source, const std::filesystem::path& path, std::vector<FileKey>& seen);
  bool VisitDirectory(size_t source, std::vector<FileKey>& seen,
                      std::vector<std::string>& source_errors);
  void Publish();

  std::vector<SpecSource> sources_;
  CatalogLimits limits_;
  std::map<FileKey, TrackedFile> files_;
  std::vector<std::string> source_errors_;
  CatalogStats stats_;
  uint64_t generation_ = 0;
  mutable std::mutex mutex_;  // guards current_ only
  std::shared_ptr<const SpecSet> current_;
};

}  // namespace apisensor::openapi
