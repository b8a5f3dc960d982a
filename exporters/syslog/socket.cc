#include "exporters/syslog/socket.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace apisensor::exporters::syslog {
namespace {

struct AddrinfoFree {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};
using AddrinfoList = std::unique_ptr<addrinfo, AddrinfoFree>;

// Connects `fd` to `address` within `timeout_ms`; 0 or an errno value (ETIMEDOUT at the timeout).
int ConnectOne(int fd, const addrinfo& address, int timeout_ms) {
  if (connect(fd, address.ai_addr, address.ai_addrlen) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  if (!WaitFor(fd, POLLOUT, timeout_ms)) return ETIMEDOUT;
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

}  // namespace

void UniqueFd::reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

std::string ErrnoText(int error) {
  char buffer[256];
  return strerror_r(error, buffer, sizeof buffer);  // GNU: returns the message
}

bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  while (true) {
    const int n = poll(&p, 1, timeout_ms);
    if (n >= 0) return n > 0;  // errors and hang-ups show up in the call that follows
    if (errno != EINTR) return true;
  }
}

UniqueFd Connect(const HostPort& target, int socktype, int timeout_ms, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(target.port);
  if (const int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    error = "cannot resolve " + target.host + ": " + gai_strerror(rc);
    return UniqueFd();
  }
  const AddrinfoList list(found);
  int last_error = 0;
  for (const addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    UniqueFd fd(
        socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd) {
      last_error = errno;
      continue;
    }
    last_error = ConnectOne(fd.get(), *a, timeout_ms);
    if (last_error == 0) {
      if (socktype == SOCK_STREAM) {
        const int on = 1;  // a receiver that vanished without a FIN is noticed eventually
        setsockopt(fd.get(), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
      }
      return fd;
    }
  }
  error = "cannot connect to " + target.text + ": " +
          (last_error == ETIMEDOUT ? "no answer within " + std::to_string(timeout_ms) + " ms"
                                   : ErrnoText(last_error));
  return UniqueFd();
}

bool StreamPeerClosed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLERR | POLLHUP)) != 0) return true;
  char discard[512];
  for (int reads = 0; reads < 64; ++reads) {
    const ssize_t n = recv(fd, discard, sizeof discard, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  }
  return false;  // still talking: open, whatever it says
}

}  // namespace apisensor::exporters::syslog
