#include "exporters/syslog/tls_stream.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <fstream>

#include "exporters/core/ip_address.h"

namespace apisensor::exporters::syslog {
namespace {

// The reason of the last OpenSSL error on this thread ("certificate verify failed"); clears them.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason != nullptr ? reason : "unknown TLS error";
}

// "" when `path` can be opened for reading, else why not.
std::string Unreadable(const std::string& path) {
  std::ifstream in(path);
  return in ? "" : path + ": " + ErrnoText(errno);
}

// A socket BIO that sends with MSG_NOSIGNAL: OpenSSL's own writes with write(), and a receiver
// that resets the connection would then raise SIGPIPE, which kills a program that did not
// ignore it. The fd stays owned by the stream.
int FdOf(BIO* bio) { return static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio))); }

bool Transient(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

int BioWrite(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = send(FdOf(bio), data, static_cast<size_t>(length), MSG_NOSIGNAL);
  if (n < 0 && Transient(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int BioRead(BIO* bio, char* data, int length) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = recv(FdOf(bio), data, static_cast<size_t>(length), 0);
  if (n < 0 && Transient(errno)) BIO_set_retry_read(bio);
  return static_cast<int>(n);
}

long BioCtrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

const BIO_METHOD* NoSignalSocketMethod() {
  struct MethodFree {
    void operator()(BIO_METHOD* method) const { BIO_meth_free(method); }
  };
  static const std::unique_ptr<BIO_METHOD, MethodFree> method = [] {
    std::unique_ptr<BIO_METHOD, MethodFree> m(
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "apisensor socket"));
    BIO_meth_set_write(m.get(), BioWrite);
    BIO_meth_set_read(m.get(), BioRead);
    BIO_meth_set_ctrl(m.get(), BioCtrl);
    return m;
  }();
  return method.get();
}

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

class TlsStream final : public Stream {
 public:
  TlsStream(UniqueFd fd, SslPtr ssl, std::string peer, int timeout_ms)
      : fd_(std::move(fd)), ssl_(std::move(ssl)), peer_(std::move(peer)), timeout_ms_(timeout_ms) {}

  ~TlsStream() override {
    // close_notify, best effort and without waiting for the receiver's.
    if (!broken_) SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }

  bool WriteAll(std::string_view data, std::string& error) override {
    while (!data.empty()) {
      ERR_clear_error();
      const int chunk = static_cast<int>(std::min<size_t>(data.size(), INT_MAX));
      const int n = SSL_write(ssl_.get(), data.data(), chunk);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      const int reason = SSL_get_error(ssl_.get(), n);
      if (reason == SSL_ERROR_WANT_WRITE || reason == SSL_ERROR_WANT_READ) {
        if (WaitFor(fd_.get(), reason == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, timeout_ms_)) {
          continue;
        }
        error = "timed out sending to " + peer_ + " after " + std::to_string(timeout_ms_) + " ms";
        return false;
      }
      broken_ = true;
      error = "lost the TLS connection to " + peer_ + ": " + Failure(reason);
      return false;
    }
    return true;
  }

  bool PeerClosed() override {
    pollfd p{fd_.get(), POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) <= 0) return false;
    if ((p.revents & (POLLERR | POLLHUP)) != 0) {
      broken_ = true;
      return true;
    }
    // Readable: session tickets (TLS 1.3), the receiver's close_notify, or its FIN.
    char discard[512];
    for (int reads = 0; reads < 64; ++reads) {
      ERR_clear_error();
      const int n = SSL_read(ssl_.get(), discard, sizeof discard);
      if (n > 0) continue;
      const int reason = SSL_get_error(ssl_.get(), n);
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return false;
      broken_ = reason != SSL_ERROR_ZERO_RETURN;
      ERR_clear_error();
      return true;
    }
    return false;
  }

  // Completes the client handshake within the timeout.
  bool Handshake(std::string& error) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
    while (true) {
      ERR_clear_error();
      const int rc = SSL_connect(ssl_.get());
      if (rc == 1) return true;
      const int reason = SSL_get_error(ssl_.get(), rc);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if ((reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) && left.count() > 0) {
        WaitFor(fd_.get(), reason == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                static_cast<int>(left.count()));
        continue;
      }
      broken_ = true;
      if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
        error = "TLS handshake with " + peer_ + " did not finish within " +
                std::to_string(timeout_ms_) + " ms";
        return false;
      }
      const long verify = SSL_get_verify_result(ssl_.get());
      if (verify != X509_V_OK) {
        error = "TLS handshake with " + peer_ + " failed: its certificate was not accepted (" +
                X509_verify_cert_error_string(verify) + ")";
      } else {
        error = "TLS handshake with " + peer_ + " failed: " + Failure(reason);
      }
      ERR_clear_error();
      return false;
    }
  }

 private:
  std::string Failure(int reason) {
    if (reason == SSL_ERROR_SYSCALL) {
      ERR_clear_error();
      return errno != 0 ? ErrnoText(errno) : "the receiver closed the connection";
    }
    if (reason == SSL_ERROR_ZERO_RETURN) return "the receiver closed the connection";
    return OpenSslReason();
  }

  UniqueFd fd_;  // declared first: the SSL (and its BIO) goes before the descriptor it uses
  SslPtr ssl_;
  std::string peer_;
  int timeout_ms_;
  bool broken_ = false;  // no close_notify after a fatal error
};

}  // namespace

std::shared_ptr<const TlsContext> TlsContext::Make(const TlsOptions& options, std::string& bad_key,
                                                   std::string& error) {
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (ctx == nullptr) {
    bad_key = "transport";
    error = "cannot set up TLS: " + OpenSslReason();
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  const auto fail = [&](const char* key, std::string why) {
    bad_key = key;
    error = std::move(why);
    ERR_clear_error();
    return nullptr;
  };
  if (!options.ca_file.empty()) {
    if (std::string why = Unreadable(options.ca_file); !why.empty()) {
      return fail("ca_file", "cannot be read: " + why);
    }
    if (SSL_CTX_load_verify_locations(ctx.get(), options.ca_file.c_str(), nullptr) != 1) {
      return fail("ca_file",
                  "holds no usable PEM certificate: " + options.ca_file + ": " + OpenSslReason());
    }
  }
  if (!options.cert_file.empty()) {
    if (std::string why = Unreadable(options.cert_file); !why.empty()) {
      return fail("cert_file", "cannot be read: " + why);
    }
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), options.cert_file.c_str()) != 1) {
      return fail("cert_file",
                  "holds no usable PEM certificate: " + options.cert_file + ": " + OpenSslReason());
    }
    if (std::string why = Unreadable(options.key_file); !why.empty()) {
      return fail("key_file", "cannot be read: " + why);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return fail("key_file",
                  "holds no usable PEM private key: " + options.key_file + ": " + OpenSslReason());
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
      return fail("key_file", "is not the key of cert_file " + options.cert_file);
    }
  }
  SSL_CTX_set_verify(ctx.get(), options.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                     nullptr);
  return std::make_shared<const TlsContext>(std::move(ctx), options);
}

std::unique_ptr<Stream> ConnectTlsStream(const TlsContext& tls, const HostPort& target,
                                         int timeout_ms, std::string& error) {
  UniqueFd fd = Connect(target, SOCK_STREAM, timeout_ms, error);
  if (!fd) return nullptr;
  SslPtr ssl(SSL_new(tls.get()));
  BIO* bio = ssl != nullptr ? BIO_new(NoSignalSocketMethod()) : nullptr;
  if (bio == nullptr) {
    error = "cannot set up TLS to " + target.text + ": " + OpenSslReason();
    return nullptr;
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(fd.get())));
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl.get(), bio, bio);  // the SSL owns the BIO from here
  const std::string& name =
      tls.options().server_name.empty() ? target.host : tls.options().server_name;
  if (IsIpAddress(name)) {
    // No SNI for an address (RFC 6066 §3); the certificate must list it as an IP SAN.
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), name.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl.get(), name.c_str());
    SSL_set1_host(ssl.get(), name.c_str());
  }
  auto stream = std::make_unique<TlsStream>(std::move(fd), std::move(ssl), target.text, timeout_ms);
  if (!stream->Handshake(error)) return nullptr;
  return stream;
}

}  // namespace apisensor::exporters::syslog
