// One LIST + WATCH loop over one kind of object, as client-go's reflector does it: a paged
// LIST, then a WATCH from the list's resourceVersion (JSON lines: ADDED, MODIFIED, DELETED,
// BOOKMARK, ERROR). An expired resourceVersion (410 Gone, as an ERROR event or as the HTTP
// status) makes it list again; a failure or a dropped connection makes it watch again from the
// last resourceVersion seen, after an exponential backoff with jitter; a periodic relist repairs
// whatever drifted. The handler turns objects into table entries; the loop never blocks lookups.
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "agent/k8s/api/api_client.h"
#include "agent/k8s/api/k8s_objects.h"

namespace apisensor::k8s::api {

// Wakes sleeping loops at once when the watcher stops.
class StopSignal {
 public:
  void Stop();
  bool stopped() const { return stopped_.load(); }
  // Sleeps `duration` unless stopped; true when stopped.
  bool WaitFor(std::chrono::milliseconds duration);

 private:
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

struct ReflectorOptions {
  std::string resource;        // "pods", "services": for log sentences and the RBAC hint
  std::string path;            // "/api/v1/pods", "/api/v1/namespaces/<ns>/services", ...
  std::string field_selector;  // "" for none
  size_t page_size = 500;
  size_t max_pages = 1000;
  std::chrono::milliseconds resync_interval{std::chrono::minutes(15)};  // 0: never
  uint32_t watch_timeout_s = 300;  // asked of the server (timeoutSeconds), then watched again
  // Added to the watch timeout for the client's own read timeout, so a server that stops
  // sending without closing cannot hold the loop forever.
  std::chrono::milliseconds watch_read_margin{std::chrono::seconds(30)};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(30)};
};

// Receives what the loop reads; called on the loop's thread only, objects valid during the call.
class ReflectorHandler {
 public:
  virtual ~ReflectorHandler() = default;
  virtual void BeginList() = 0;
  virtual void ListItem(const rapidjson::Value& object) = 0;
  // The list is complete: it replaces everything the handler had.
  virtual void CommitList() = 0;
  // ADDED, MODIFIED or DELETED.
  virtual void Event(EventType type, const rapidjson::Value& object) = 0;
};

struct ReflectorStats {
  uint64_t lists = 0;       // complete LISTs
  uint64_t list_pages = 0;  // LIST requests
  uint64_t added = 0, modified = 0, deleted = 0, bookmarks = 0, error_events = 0;
  uint64_t relists_gone = 0;   // lists because the resourceVersion expired (410)
  uint64_t resyncs = 0;        // periodic lists
  uint64_t reconnects = 0;     // lists or watches retried after a failure or a dropped stream
  uint64_t errors = 0;         // failed requests and unreadable answers
  uint64_t auth_failures = 0;  // 401 and 403
  uint64_t bad_events = 0;     // watch lines that are not events
  uint64_t oversize = 0;       // answers and events beyond the size caps
  bool synced = false;         // listed once at least
};

class Reflector {
 public:
  using Log = std::function<void(const std::string&)>;

  Reflector(ReflectorOptions options, ApiClient& client, ReflectorHandler& handler,
            StopSignal& stop, Log log);

  // Lists and watches until `stop`.
  void Run();
  ReflectorStats stats() const;
  const ReflectorOptions& options() const { return options_; }

 private:
  enum class Outcome { kOk, kFailed, kGone, kEnded, kStopped };

  Outcome List(std::string& resource_version);
  Outcome Watch(std::string& resource_version, uint32_t timeout_s, bool& saw_events);
  std::string Target(const std::string& extra) const;
  // Counts a failure and logs its sentence unless it is the one logged last.
  void Fail(const std::string& verb, const HttpResult& result, const std::string& why = {});
  void Succeeded(const std::string& verb);

  const ReflectorOptions options_;
  ApiClient& client_;
  ReflectorHandler& handler_;
  StopSignal& stop_;
  Log log_;
  std::string last_logged_;  // the failure sentence logged last, "" after a success

  mutable std::mutex mu_;
  ReflectorStats stats_;
};

}  // namespace apisensor::k8s::api
