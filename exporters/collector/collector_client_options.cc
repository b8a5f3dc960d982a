#include "exporters/collector/collector_client_options.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace apisensor::exporters {
namespace {

constexpr size_t kMaxFileBytes = 1u << 20;  // certificates and tokens are a few KiB

std::string ReadFile(const std::string& key, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    throw std::runtime_error("collector " + key + " " + path +
                             " cannot be read: " + std::strerror(errno) + ".");
  }
  std::string out;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    out.append(buf, n);
    if (out.size() > kMaxFileBytes) {
      throw std::runtime_error("collector " + key + " " + path +
                               " is larger than 1 MiB, which no certificate or token is.");
    }
  }
  if (std::ferror(f.get())) {
    throw std::runtime_error("collector " + key + " " + path +
                             " cannot be read: " + std::strerror(errno) + ".");
  }
  return out;
}

std::string Trim(std::string s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  size_t start = 0;
  while (start < s.size() && space(s[start])) ++start;
  return s.substr(start);
}

}  // namespace

void ValidateCollectorOptions(const CollectorClientOptions& o) {
  if (o.address.empty()) {
    throw std::runtime_error("collector address is empty: give the collector's host:port.");
  }
  if (o.cert_file.empty() != o.key_file.empty()) {
    throw std::runtime_error(
        "collector cert_file and key_file go together: mutual TLS needs both or neither.");
  }
  if (o.insecure && (!o.ca_file.empty() || !o.cert_file.empty())) {
    throw std::runtime_error(
        "collector insecure contradicts ca_file, cert_file and key_file: choose plaintext or TLS.");
  }
  if (o.insecure && !o.token_file.empty()) {
    throw std::runtime_error(
        "collector token_file needs TLS: a bearer token is never sent over an insecure "
        "connection.");
  }
  if (o.snapshot_interval_s == 0 || o.heartbeat_interval_s == 0) {
    throw std::runtime_error(
        "collector snapshot_interval_s and heartbeat_interval_s must be at least 1 second.");
  }
  if (o.max_queue_bytes == 0 || o.max_queue_batches == 0 || o.max_batch_bytes < 1024) {
    throw std::runtime_error(
        "collector max_queue_bytes and max_queue_batches must be positive and max_batch_bytes at "
        "least 1024.");
  }
  if (o.backoff_initial_ms == 0 || o.backoff_max_ms < o.backoff_initial_ms) {
    throw std::runtime_error(
        "collector backoff_initial_ms must be positive and at most backoff_max_ms.");
  }
  ReadCollectorCredentials(o);  // the files must be readable now, not at the first connection
}

CollectorCredentials ReadCollectorCredentials(const CollectorClientOptions& o) {
  CollectorCredentials c;
  if (!o.ca_file.empty()) c.ca_pem = ReadFile("ca_file", o.ca_file);
  if (!o.cert_file.empty()) c.cert_pem = ReadFile("cert_file", o.cert_file);
  if (!o.key_file.empty()) c.key_pem = ReadFile("key_file", o.key_file);
  if (!o.token_file.empty()) {
    c.token = Trim(ReadFile("token_file", o.token_file));
    if (c.token.empty()) {
      throw std::runtime_error("collector token_file " + o.token_file + " is empty.");
    }
    for (char ch : c.token) {
      // What an HTTP/2 header value may hold; anything else would fail every call.
      if (ch < 0x21 || ch > 0x7e) {
        throw std::runtime_error("collector token_file " + o.token_file +
                                 " holds a character a bearer token cannot have (one line of "
                                 "printable ASCII expected).");
      }
    }
  }
  return c;
}

std::string HostName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return host;
  return "unknown";
}

std::string DefaultAgentId() {
  if (const char* node = std::getenv("NODE_NAME"); node != nullptr && *node != '\0') return node;
  return HostName();
}

}  // namespace apisensor::exporters
