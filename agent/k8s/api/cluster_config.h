// Where the Kubernetes API is and how the agent proves who it is: the in-cluster configuration
// every pod gets (KUBERNETES_SERVICE_HOST/PORT and the mounted service account), and the
// service-account token, re-read as the kubelet rotates it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace apisensor::k8s::api {

// The files of the mounted service account; tests point them elsewhere.
struct ServiceAccountPaths {
  std::string token = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

struct ClusterConfig {
  std::string host;  // an address or name, IPv6 without brackets
  int port = 443;
  bool tls = true;            // false only for tests against a plain HTTP server
  std::string ca_file;        // PEM bundle the API server's certificate must chain to
  std::string token_file;     // bearer token, re-read (see TokenSource); "" sends none
  std::string pod_namespace;  // the agent's own namespace, from the service account
  std::string node_name;      // NODE_NAME (downward API spec.nodeName); "" when unset
};

using Getenv = std::function<const char*(const char*)>;

// The in-cluster configuration, or nullopt without KUBERNETES_SERVICE_HOST (host mode: the agent
// runs as it does outside Kubernetes). Throws std::runtime_error with one sentence when the
// environment says Kubernetes but the configuration is unusable (bad port, no CA file).
std::optional<ClusterConfig> InClusterConfig(const ServiceAccountPaths& paths = {},
                                             const Getenv& getenv = {});

// What the agent logs once when InClusterConfig() returns nullopt.
std::string HostModeSentence();

// "https://host:port", IPv6 hosts in brackets: for log sentences.
std::string ApiOrigin(const ClusterConfig& config);

// The bearer token, read from its file again once `reread` has passed: bound service-account
// tokens expire and the kubelet rewrites the file well before, so a long-running agent must not
// keep the first one. Thread-safe.
class TokenSource {
 public:
  TokenSource(std::string path, std::chrono::milliseconds reread);

  // The token ("" without a file, or when it cannot be read: error() then says why).
  std::string Get();
  // After a 401: the next Get() reads the file again whatever its age.
  void Invalidate();
  std::string error() const;
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const std::chrono::milliseconds reread_;
  mutable std::mutex mu_;
  std::string token_;
  std::string error_;
  std::optional<std::chrono::steady_clock::time_point> read_at_;
};

}  // namespace apisensor::k8s::api
