// A real HTTPS (or HTTP) webhook receiver inside the test: httplib's server with a certificate
// made at test time, checking each request's signature with its own HMAC code (not the sink's)
// and answering with scripted statuses.
#pragma once

#include <httplib.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace apisensor::testing {

struct TlsFiles {
  std::string cert;  // PEM certificate (self-signed, a CA for itself)
  std::string key;   // PEM private key
};

// A self-signed certificate for `names` (subjectAltName syntax), written to
// `dir`/`name`.{crt,key}.
TlsFiles MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                   const std::string& names = "DNS:localhost,IP:127.0.0.1");

// HMAC-SHA256 per RFC 2104 from SHA-256 alone, as a receiver in another language would write it.
std::string HmacSha256Hex(const std::string& key, const std::string& message);

struct ReceivedRequest {
  std::string target;  // path and query
  std::string body;
  std::string timestamp;
  std::string signature;
  std::string content_type;
  httplib::Headers headers;
  bool signature_ok = false;
};

struct ScriptedAnswer {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};
  bool endless = false;  // a body that never ends (chunks until the client goes away)
};

class WebhookReceiver {
 public:
  // HTTPS with `tls`, plain HTTP without. Answers 401 to a request whose signature is wrong.
  WebhookReceiver(std::string key, const TlsFiles* tls);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  // Answers for the next requests, in order; 200 afterwards.
  void Script(std::vector<ScriptedAnswer> answers);
  std::vector<ReceivedRequest> requests() const;

 private:
  std::string key_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::deque<ScriptedAnswer> script_;
  std::vector<ReceivedRequest> requests_;
};

}  // namespace apisensor::testing
