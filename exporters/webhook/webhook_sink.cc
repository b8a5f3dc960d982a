#include "exporters/webhook/webhook_sink.h"

#include <httplib.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include "exporters/webhook/webhook_signature.h"

namespace apisensor::exporters {
namespace {

// At most this much of a refusal's body goes into the log line, printable ASCII only: enough for
// a receiver's reason, not enough to flood the log or break its format.
constexpr size_t kReasonBytes = 200;
// What is kept of an answer's body: a receiver's reason fits, a runaway body does not fill memory.
constexpr size_t kMaxReplyBytes = 4096;

std::string Reason(const std::string& body) {
  std::string out;
  for (char c : body) {
    if (out.size() >= kReasonBytes) {
      out += "...";
      break;
    }
    out.push_back(c >= ' ' && c < 0x7f ? c : ' ');
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool Transient(int status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace

WebhookSink::WebhookSink(WebhookOptions options, std::unique_ptr<Formatter> formatter)
    : options_(std::move(options)), formatter_(std::move(formatter)) {
  const WebhookUrl& url = options_.url;
  if (url.https) {
    auto tls = std::make_unique<httplib::SSLClient>(url.host, url.port);
    if (!tls->is_valid()) throw std::runtime_error("cannot set up TLS for " + url.origin());
    if (!options_.ca_file.empty()) tls->set_ca_cert_path(options_.ca_file);
    tls->enable_server_certificate_verification(!options_.insecure_skip_verify);
    tls_ = tls.get();
    client_ = std::move(tls);
  } else {
    client_ = std::make_unique<httplib::ClientImpl>(url.host, url.port);
  }
  const auto timeout = std::chrono::milliseconds(options_.timeout_ms);
  client_->set_connection_timeout(timeout);
  client_->set_read_timeout(timeout);
  client_->set_write_timeout(timeout);
  client_->set_keep_alive(true);
  client_->set_follow_location(false);  // a redirect is a configuration mistake, reported as such
}

WebhookSink::~WebhookSink() = default;

std::string WebhookSink::DescribeFailure(int error_code) const {
  const std::string origin = options_.url.origin();
  switch (static_cast<httplib::Error>(error_code)) {
    case httplib::Error::Connection:
      return "cannot connect to " + origin + " (refused, unreachable or unknown host)";
    case httplib::Error::ConnectionTimeout:
      return "timed out connecting to " + origin;
    case httplib::Error::Read:
      return origin + " sent no answer within timeout_ms or closed the connection";
    case httplib::Error::Write:
      return "cannot send to " + origin + " (connection closed or timed out)";
    case httplib::Error::Canceled:
      return origin + " did not finish its answer within timeout_ms";
    case httplib::Error::SSLConnection:
      return "the TLS handshake with " + origin + " failed";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load CA certificates from " + options_.ca_file;
    case httplib::Error::SSLServerVerification: {
      const long verify = tls_ != nullptr ? tls_->get_openssl_verify_result() : X509_V_OK;
      if (verify != X509_V_OK) {
        return "the certificate of " + origin + " is not trusted (" +
               X509_verify_cert_error_string(verify) + "): set ca_file to the CA that signed it";
      }
      return "the certificate of " + origin + " does not name host " + options_.url.host;
    }
    default:
      return "the request to " + origin + " failed (" +
             httplib::to_string(static_cast<httplib::Error>(error_code)) + ")";
  }
}

DeliveryResult WebhookSink::Deliver(std::span<const ExportItemPtr> items) {
  body_.assign("[");
  size_t formatted = 0;
  uint64_t skipped = 0;
  for (const ExportItemPtr& item : items) {
    const size_t mark = body_.size();
    if (formatted > 0) body_.push_back(',');
    if (!formatter_->Format(*item, body_)) {
      body_.resize(mark);
      ++skipped;
      continue;
    }
    ++formatted;
  }
  body_.push_back(']');
  if (formatted == 0) return Delivered(skipped);

  const std::string timestamp = std::to_string(std::time(nullptr));
  httplib::Request req;
  req.method = "POST";
  req.path = options_.url.target;
  req.headers = {
      {"X-Apisensor-Timestamp", timestamp},
      {"X-Apisensor-Signature", WebhookSignature(options_.secret, timestamp, body_)},
      {"User-Agent", options_.user_agent},
      {"Content-Type", "application/json"},
  };
  for (const auto& [name, value] : options_.headers) req.headers.emplace(name, value);
  req.body.swap(body_);  // sent as signed, without a copy; swapped back to keep its capacity

  // httplib's timeouts bound each read; this bounds the whole answer and what is kept of it, so
  // a receiver that streams without end holds neither the worker nor memory.
  std::string reply;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  req.content_receiver = [&reply, deadline](const char* data, size_t n, uint64_t, uint64_t) {
    if (reply.size() < kMaxReplyBytes) {
      reply.append(data, std::min(n, kMaxReplyBytes - reply.size()));
    }
    return std::chrono::steady_clock::now() < deadline;
  };
  httplib::Response res;
  httplib::Error failure = httplib::Error::Success;
  const bool answered = client_->send(req, res, failure);
  body_.swap(req.body);
  if (!answered) return {Delivery::kRetry, DescribeFailure(static_cast<int>(failure))};
  const int status = res.status;
  if (status >= 200 && status < 300) return Delivered(skipped);
  const std::string reason = Reason(reply);
  std::string error = options_.url.origin() + " answered " + std::to_string(status) +
                      (reason.empty() ? "" : ": " + reason);
  if (Transient(status)) return {Delivery::kRetry, std::move(error)};
  if (status >= 300 && status < 400)
    error += " (redirects are not followed: set url to the final address)";
  return {Delivery::kRejected, std::move(error)};
}

}  // namespace apisensor::exporters
