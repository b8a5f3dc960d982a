// GETs and watch streams against the Kubernetes API over HTTPS (cpp-httplib, server certificate
// verified against the service account's CA), with the service account's bearer token. Every
// answer is bounded: a body beyond max_response_bytes or a watch line beyond max_event_bytes is
// never buffered. One request at a time per client; Abort() may come from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "agent/k8s/api/cluster_config.h"

namespace httplib {
class ClientImpl;
}

namespace apisensor::k8s::api {

struct HttpOptions {
  uint64_t connect_timeout_ms = 5'000;
  uint64_t read_timeout_ms = 30'000;        // each read of a LIST or GET
  size_t max_response_bytes = 64u << 20;    // a LIST page or GET, after decompression
  size_t max_event_bytes = 4u << 20;        // one watch event (etcd's object limit is 1.5 MiB)
  size_t max_error_body_bytes = 64u << 10;  // what is kept of a failed request's answer
};

struct HttpResult {
  int status = 0;          // 0: no answer; `error` says why
  std::string body;        // the answer (for a stream: only when it is not 200)
  std::string error;       // ends a sentence: "the connection was refused", ...
  bool too_large = false;  // the body passed max_response_bytes and was abandoned
  bool aborted = false;    // Abort() ended it
};

class ApiClient {
 public:
  ApiClient(ClusterConfig cluster, std::shared_ptr<TokenSource> token, HttpOptions options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `target` is path and query, already encoded.
  HttpResult Get(const std::string& target);
  // A 200 answer's lines go to `on_line` (without the newline) as they arrive; `on_line`
  // returning false ends the request. A line longer than max_event_bytes is skipped, and
  // `on_oversize` told. `read_timeout_ms` bounds the wait for each read.
  HttpResult Stream(const std::string& target, uint64_t read_timeout_ms,
                    const std::function<bool(std::string_view line)>& on_line,
                    const std::function<void()>& on_oversize = {});
  // Ends the request in flight and every later one, at once.
  void Abort();
  bool aborted() const { return aborted_.load(); }

  const ClusterConfig& cluster() const { return cluster_; }
  TokenSource& token() { return *token_; }

 private:
  std::shared_ptr<httplib::ClientImpl> Connection(uint64_t read_timeout_ms);
  void DropConnection();  // after a failure: the next request reloads the CA and reconnects
  std::string Describe(int error) const;

  const ClusterConfig cluster_;
  const std::shared_ptr<TokenSource> token_;
  const HttpOptions options_;
  std::atomic<bool> aborted_{false};
  std::mutex mu_;  // guards client_ against Abort() from another thread
  std::shared_ptr<httplib::ClientImpl> client_;
};

// `value` percent-encoded for a query string.
std::string QueryEscape(std::string_view value);

}  // namespace apisensor::k8s::api
