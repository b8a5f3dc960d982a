#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "exporters/syslog/stream.h"

namespace apisensor::exporters::syslog {
namespace {

class PlainStream final : public Stream {
 public:
  PlainStream(UniqueFd fd, std::string peer, int timeout_ms)
      : fd_(std::move(fd)), peer_(std::move(peer)), timeout_ms_(timeout_ms) {}

  bool WriteAll(std::string_view data, std::string& error) override {
    while (!data.empty()) {
      // MSG_NOSIGNAL: a reset connection is an EPIPE to report, not a signal that kills the agent.
      const ssize_t n = send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (WaitFor(fd_.get(), POLLOUT, timeout_ms_)) continue;
        error = "timed out sending to " + peer_ + " after " + std::to_string(timeout_ms_) + " ms";
        return false;
      }
      error = "lost the connection to " + peer_ + ": " + ErrnoText(errno);
      return false;
    }
    return true;
  }

  bool PeerClosed() override { return StreamPeerClosed(fd_.get()); }

 private:
  UniqueFd fd_;
  std::string peer_;
  int timeout_ms_;
};

}  // namespace

std::unique_ptr<Stream> ConnectPlainStream(const HostPort& target, int timeout_ms,
                                           std::string& error) {
  UniqueFd fd = Connect(target, SOCK_STREAM, timeout_ms, error);
  if (!fd) return nullptr;
  return std::make_unique<PlainStream>(std::move(fd), target.text, timeout_ms);
}

}  // namespace apisensor::exporters::syslog
