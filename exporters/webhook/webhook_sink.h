// POSTs each batch as a JSON array to a URL, signed (see webhook_signature.h). 2xx is delivered;
// 408, 429, 5xx and every network or TLS failure are retried by the runner; any other answer
// drops the batch as rejected, with the receiver's reason in the log.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "exporters/core/formatter.h"
#include "exporters/core/sink.h"
#include "exporters/webhook/webhook_url.h"

namespace httplib {
class ClientImpl;
class SSLClient;
}  // namespace httplib

namespace apisensor::exporters {

struct WebhookOptions {
  WebhookUrl url;
  std::string secret;   // the HMAC key itself; never logged
  std::string ca_file;  // PEM CA certificates for https; empty: the system's
  bool insecure_skip_verify = false;
  uint64_t timeout_ms = 10000;                               // connect, and each send and receive
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  std::string user_agent = "apisensor";
};

class WebhookSink final : public Sink {
 public:
  // Throws std::runtime_error with one sentence when the TLS context cannot be made.
  WebhookSink(WebhookOptions options, std::unique_ptr<Formatter> formatter);
  ~WebhookSink() override;
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  // Items the format cannot express are left out of the body (DeliveryResult::skipped).
  DeliveryResult Deliver(std::span<const ExportItemPtr> items) override;

 private:
  std::string DescribeFailure(int error) const;

  const WebhookOptions options_;
  std::unique_ptr<Formatter> formatter_;
  std::unique_ptr<httplib::ClientImpl> client_;  // kept across batches: one connection reused
  httplib::SSLClient* tls_ = nullptr;            // client_ itself for https
  std::string body_;
};

}  // namespace apisensor::exporters
