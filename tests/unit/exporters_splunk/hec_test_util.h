// What the splunk_hec tests share: sinks built from YAML exactly as the export config builds them,
// export items, temporary files, and the real HEC receiver (tests/receivers/hec_receiver.py).
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "exporters/core/export_item.h"
#include "exporters/core/sink.h"
#include "tests/unit/support/child_process.h"
#include "tests/unit/support/skip_outside_ci.h"

namespace apisensor::exporters::splunk::test {

// A fresh directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// Builds a splunk_hec sink from the YAML of one `sinks:` entry (without `type:`), through the
// builder's keys and Build as the export config does, with the formatter `format:` names (native
// JSON by default). Throws the config's one-sentence std::runtime_error.
std::unique_ptr<Sink> MakeHecSink(const std::string& yaml);

ExportItemPtr MakeFinding(int n);   // id "f<n>", last seen at kItemTimeNs + n ms
ExportItemPtr MakeExchange(int n);  // path "/orders/<n>", at kItemTimeNs + n ms
inline constexpr uint64_t kItemTimeNs = 1'700'000'000'123'000'000ULL;

// The receiver, started on a free port; its record file is read back as JSON documents.
class HecReceiver {
 public:
  // `extra`: the receiver's failure-mode flags. The token is "receiver-token-0123456789".
  explicit HecReceiver(const std::vector<std::string>& extra = {});
  int port() const { return port_; }
  std::string url(const std::string& scheme = "http") const;
  // Every answered request, in order.
  std::vector<rapidjson::Document> Records() const;
  // The events of every event POST answered 200.
  std::vector<rapidjson::Document> AcceptedBatches() const;

  static constexpr const char* kToken = "receiver-token-0123456789";

 private:
  TempDir dir_;
  std::string record_;
  std::unique_ptr<testing::ChildProcess> child_;
  int port_ = 0;
};

// Whether /usr/bin/python3 (and, for TLS, /usr/bin/openssl) can run; outside CI a missing one
// skips the test, in CI (CI=true) it fails it.
bool ProgramMissing(const std::string& program);

#define REQUIRE_PROGRAM(program)                                             \
  do {                                                                       \
    if (::apisensor::exporters::splunk::test::ProgramMissing(program)) {     \
      APISENSOR_SKIP_OUTSIDE_CI(std::string(program) + " is not installed"); \
    }                                                                        \
  } while (0)

// Polls `done` every 10 ms until it holds or `timeout` passes.
template <typename Pred>
bool WaitFor(Pred done, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace apisensor::exporters::splunk::test
