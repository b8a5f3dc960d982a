// Syslog over TLS (RFC 5425) with OpenSSL: the receiver's certificate is checked against the
// configured CA and its name (server_name, else the host of `address`), a client certificate is
// offered when configured (mutual TLS), and TLS 1.2 is the oldest version accepted.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "exporters/syslog/stream.h"

namespace apisensor::exporters::syslog {

struct TlsOptions {
  std::string ca_file;      // PEM CA certificate(s) that must have signed the receiver's
  std::string cert_file;    // PEM client certificate chain, for mutual TLS
  std::string key_file;     // its PEM private key
  std::string server_name;  // SNI and the name checked in the certificate
  bool insecure_skip_verify = false;
};

class TlsContext {
 public:
  // Loads every file now, so a bad path is a config error rather than a retry loop. nullptr on
  // failure, with the option at fault in `bad_key` ("ca_file") and one sentence in `error`.
  static std::shared_ptr<const TlsContext> Make(const TlsOptions& options, std::string& bad_key,
                                                std::string& error);

  struct CtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
  };
  TlsContext(std::unique_ptr<SSL_CTX, CtxFree> ctx, TlsOptions options)
      : ctx_(std::move(ctx)), options_(std::move(options)) {}

  SSL_CTX* get() const { return ctx_.get(); }
  const TlsOptions& options() const { return options_; }

 private:
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  TlsOptions options_;
};

// Connects and completes the handshake within `timeout_ms`; nullptr with `error` set otherwise.
std::unique_ptr<Stream> ConnectTlsStream(const TlsContext& tls, const HostPort& target,
                                         int timeout_ms, std::string& error);

}  // namespace apisensor::exporters::syslog
