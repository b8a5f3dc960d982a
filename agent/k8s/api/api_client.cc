#include "agent/k8s/api/api_client.h"

#include <httplib.h>

#include <cctype>
#include <cstring>

namespace apisensor::k8s::api {
namespace {

void SetTimeout(httplib::ClientImpl& client, uint64_t ms, bool connect) {
  const auto sec = static_cast<time_t>(ms / 1000);
  const auto usec = static_cast<time_t>((ms % 1000) * 1000);
  if (connect) {
    client.set_connection_timeout(sec, usec);
  } else {
    client.set_read_timeout(sec, usec);
  }
}

}  // namespace

std::string QueryEscape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

ApiClient::ApiClient(ClusterConfig cluster, std::shared_ptr<TokenSource> token, HttpOptions options)
    : cluster_(std::move(cluster)), token_(std::move(token)), options_(options) {}

ApiClient::~ApiClient() = default;

std::shared_ptr<httplib::ClientImpl> ApiClient::Connection(uint64_t read_timeout_ms) {
  std::lock_guard lock(mu_);
  if (client_ == nullptr) {
    if (cluster_.tls) {
      auto tls = std::make_shared<httplib::SSLClient>(cluster_.host, cluster_.port);
      tls->set_ca_cert_path(cluster_.ca_file.c_str());
      tls->enable_server_certificate_verification(true);
      client_ = std::move(tls);
    } else {
      client_ = std::make_shared<httplib::ClientImpl>(cluster_.host, cluster_.port);
    }
    SetTimeout(*client_, options_.connect_timeout_ms, true);
    client_->set_keep_alive(true);  // the pages of a LIST, then its watch, on one connection
    client_->set_follow_location(false);
  }
  SetTimeout(*client_, read_timeout_ms, false);
  return client_;
}

void ApiClient::DropConnection() {
  std::lock_guard lock(mu_);
  client_.reset();
}

void ApiClient::Abort() {
  aborted_ = true;
  std::shared_ptr<httplib::ClientImpl> client;
  {
    std::lock_guard lock(mu_);
    client = client_;
  }
  // Safe while a request runs on another thread: it shuts the socket down, which ends the read.
  if (client != nullptr) client->stop();
}

std::string ApiClient::Describe(int code) const {
  switch (static_cast<httplib::Error>(code)) {
    case httplib::Error::Connection:
      return "the connection failed (refused or unreachable)";
    case httplib::Error::ConnectionTimeout:
      return "the connection timed out";
    case httplib::Error::Read:
      return "the connection was lost while reading the answer";
    case httplib::Error::Write:
      return "the request could not be sent";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed";
    case httplib::Error::SSLLoadingCerts:
      return "the CA certificate at " + cluster_.ca_file + " could not be loaded";
    case httplib::Error::SSLServerVerification:
      return "the API server's certificate does not verify against the CA at " + cluster_.ca_file;
    default:
      return "the request failed (" + httplib::to_string(static_cast<httplib::Error>(code)) + ")";
  }
}

HttpResult ApiClient::Get(const std::string& target) {
  return Stream(target, options_.read_timeout_ms, nullptr);
}

HttpResult ApiClient::Stream(const std::string& target, uint64_t read_timeout_ms,
                             const std::function<bool(std::string_view line)>& on_line,
                             const std::function<void()>& on_oversize) {
  HttpResult r;
  if (aborted_) {
    r.aborted = true;
    r.error = "the watcher is stopping";
    return r;
  }
  httplib::Headers headers = {{"Accept", "application/json"}, {"User-Agent", "apisensor"}};
  const std::string token = token_ != nullptr ? token_->Get() : std::string();
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  // Watch events must arrive as they happen, not when a compressor flushes.
  if (on_line) headers.emplace("Accept-Encoding", "identity");

  const std::shared_ptr<httplib::ClientImpl> client = Connection(read_timeout_ms);
  bool lines = false;         // a 200 stream, split into lines
  bool caller_ended = false;  // on_line returned false
  bool skipping = false;      // inside a line longer than max_event_bytes
  std::string pending;
  const auto on_response = [&](const httplib::Response& res) {
    r.status = res.status;
    lines = on_line && res.status == 200;
    return !aborted_;
  };
  const auto on_data = [&](const char* data, size_t n) {
    if (!lines) {
      const size_t cap =
          r.status == 200 ? options_.max_response_bytes : options_.max_error_body_bytes;
      if (r.body.size() + n > cap) {
        r.body.append(data, cap - r.body.size());
        r.too_large = r.status == 200;
        return false;
      }
      r.body.append(data, n);
      return !aborted_.load();
    }
    const char* p = data;
    const char* const end = data + n;
    while (p < end) {
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      const size_t take = static_cast<size_t>((nl != nullptr ? nl : end) - p);
      const char* next = nl != nullptr ? nl + 1 : end;
      if (skipping) {
        skipping = nl == nullptr;
      } else if (pending.size() + take > options_.max_event_bytes) {
        if (on_oversize) on_oversize();
        pending.clear();
        pending.shrink_to_fit();
        skipping = nl == nullptr;
      } else {
        pending.append(p, take);
        if (nl != nullptr) {
          if (!pending.empty() && pending.back() == '\r') pending.pop_back();
          if (!pending.empty() && !on_line(pending)) {
            caller_ended = true;
            return false;
          }
          pending.clear();
        }
      }
      p = next;
    }
    return !aborted_.load();
  };
  const httplib::Result result = client->Get(target, headers, on_response, on_data);
  if (result) {
    if (lines && !pending.empty() && !skipping) on_line(pending);  // a last line without '\n'
    return r;
  }
  DropConnection();
  if (aborted_) {
    r.aborted = true;
    r.error = "the watcher is stopping";
  } else if (r.too_large) {
    r.error = "the answer passed " + std::to_string(options_.max_response_bytes) +
              " bytes and was abandoned";
  } else if (caller_ended) {
    // The caller's own decision, not a failure.
  } else if (r.status != 0 && r.status != 200) {
    // An error answer cut at max_error_body_bytes: what was kept says enough.
  } else {
    r.error = Describe(static_cast<int>(result.error()));
  }
  return r;
}

}  // namespace apisensor::k8s::api
