#include "exporters/syslog/transport.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "exporters/syslog/socket.h"
#include "exporters/syslog/stream.h"

namespace apisensor::exporters::syslog {
namespace {

class UdpTransport final : public Transport {
 public:
  UdpTransport(HostPort target, int timeout_ms)
      : target_(std::move(target)), timeout_ms_(timeout_ms) {}

  std::string Send(std::span<const std::string> messages) override {
    std::string error;
    if (!fd_) {
      // Resolved again after each failure: the receiver's address may have changed.
      fd_ = Connect(target_, SOCK_DGRAM, timeout_ms_, error);
      if (!fd_) return error;
    }
    for (const std::string& message : messages) {
      while (send(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL) < 0) {
        if (errno == EINTR) continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && WaitFor(fd_.get(), POLLOUT, timeout_ms_)) {
          continue;
        }
        // ECONNREFUSED here is the ICMP port-unreachable an earlier datagram drew: nobody listens.
        error = "cannot send to " + target_.text + ": " + ErrnoText(errno);
        fd_.reset();
        return error;
      }
    }
    return "";
  }

 private:
  HostPort target_;
  int timeout_ms_;
  UniqueFd fd_;  // connected, so the kernel reports ICMP errors to us
};

class StreamTransport final : public Transport {
 public:
  StreamTransport(HostPort target, int timeout_ms, std::shared_ptr<const TlsContext> tls)
      : target_(std::move(target)), timeout_ms_(timeout_ms), tls_(std::move(tls)) {}

  std::string Send(std::span<const std::string> messages) override {
    // A receiver that restarted closed our connection; writing into it would lose the batch.
    if (stream_ != nullptr && stream_->PeerClosed()) stream_.reset();
    std::string error;
    if (stream_ == nullptr) {
      stream_ = tls_ != nullptr ? ConnectTlsStream(*tls_, target_, timeout_ms_, error)
                                : ConnectPlainStream(target_, timeout_ms_, error);
      if (stream_ == nullptr) return error;
    }
    frames_.clear();
    for (const std::string& message : messages) {
      frames_ += std::to_string(message.size());
      frames_ += ' ';
      frames_ += message;
    }
    if (!stream_->WriteAll(frames_, error)) {
      stream_.reset();
      return error;
    }
    return "";
  }

 private:
  HostPort target_;
  int timeout_ms_;
  std::shared_ptr<const TlsContext> tls_;
  std::unique_ptr<Stream> stream_;
  std::string frames_;  // reused: one write per call
};

}  // namespace

std::unique_ptr<Transport> MakeUdpTransport(HostPort target, int timeout_ms) {
  return std::make_unique<UdpTransport>(std::move(target), timeout_ms);
}

std::unique_ptr<Transport> MakeStreamTransport(HostPort target, int timeout_ms,
                                               std::shared_ptr<const TlsContext> tls) {
  return std::make_unique<StreamTransport>(std::move(target), timeout_ms, std::move(tls));
}

}  // namespace apisensor::exporters::syslog
