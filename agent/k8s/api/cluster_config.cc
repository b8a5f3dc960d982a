#include "agent/k8s/api/cluster_config.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace apisensor::k8s::api {
namespace {

// Tokens are a few KiB (JWTs); anything this large is not one.
constexpr size_t kMaxFileBytes = 64 * 1024;

std::string Trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// The file's first kMaxFileBytes, trimmed; nullopt when it cannot be opened.
std::optional<std::string> ReadSmallFile(const std::string& path, bool* too_large = nullptr) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(kMaxFileBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (too_large != nullptr) *too_large = data.size() > kMaxFileBytes;
  if (data.size() > kMaxFileBytes) data.resize(kMaxFileBytes);
  return Trim(std::move(data));
}

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

std::optional<ClusterConfig> InClusterConfig(const ServiceAccountPaths& paths,
                                             const Getenv& getenv) {
  const auto env = [&](const char* name) -> std::string {
    const char* value = getenv ? getenv(name) : std::getenv(name);
    return value != nullptr ? Trim(value) : std::string();
  };
  ClusterConfig config;
  config.host = env("KUBERNETES_SERVICE_HOST");
  if (config.host.empty()) return std::nullopt;
  if (config.host.size() > 2 && config.host.front() == '[' && config.host.back() == ']') {
    config.host = config.host.substr(1, config.host.size() - 2);
  }
  const std::string port = env("KUBERNETES_SERVICE_PORT");
  if (!port.empty()) {
    char* end = nullptr;
    const long value = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || value < 1 || value > 65535) {
      throw std::runtime_error("KUBERNETES_SERVICE_PORT is \"" + port +
                               "\", not a port number between 1 and 65535.");
    }
    config.port = static_cast<int>(value);
  }
  config.ca_file = paths.ca;
  if (!FileExists(config.ca_file)) {
    throw std::runtime_error("KUBERNETES_SERVICE_HOST is set but there is no CA certificate at " +
                             config.ca_file +
                             ": mount the service account (automountServiceAccountToken: true).");
  }
  config.token_file = paths.token;
  config.pod_namespace = ReadSmallFile(paths.namespace_file).value_or("");
  config.node_name = env("NODE_NAME");
  return config;
}

std::string HostModeSentence() {
  return "KUBERNETES_SERVICE_HOST is not set, so the agent runs in host mode: processes are "
         "identified without Kubernetes pod metadata.";
}

std::string ApiOrigin(const ClusterConfig& config) {
  const bool v6 = config.host.find(':') != std::string::npos;
  return std::string(config.tls ? "https://" : "http://") + (v6 ? "[" : "") + config.host +
         (v6 ? "]" : "") + ":" + std::to_string(config.port);
}

TokenSource::TokenSource(std::string path, std::chrono::milliseconds reread)
    : path_(std::move(path)), reread_(reread) {}

std::string TokenSource::Get() {
  if (path_.empty()) return {};
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (read_at_ && now - *read_at_ < reread_) return token_;
  read_at_ = now;
  bool too_large = false;
  std::optional<std::string> token = ReadSmallFile(path_, &too_large);
  if (!token) {
    error_ = "cannot read the service account token at " + path_ + ": " +
             std::error_code(errno, std::generic_category()).message();
    token_.clear();
  } else if (too_large || token->find_first_of("\r\n") != std::string::npos) {
    // A header value with a newline would split the request: never send it.
    error_ = "the service account token at " + path_ + " is not a single-line token";
    token_.clear();
  } else {
    error_.clear();
    token_ = std::move(*token);
  }
  return token_;
}

void TokenSource::Invalidate() {
  std::lock_guard lock(mu_);
  read_at_.reset();
}

std::string TokenSource::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

}  // namespace apisensor::k8s::api
