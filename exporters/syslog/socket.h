// Non-blocking sockets with a deadline on every wait, so a receiver that stops answering holds
// the sink's worker up for at most the configured timeout.
#pragma once

#include <string>
#include <utility>

#include "exporters/syslog/host_port.h"

namespace apisensor::exporters::syslog {

// Owns one file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_ = -1;
};

// Resolves `target` and connects a non-blocking socket of `socktype` (SOCK_STREAM, SOCK_DGRAM)
// to the first of its addresses that accepts within `timeout_ms`. On failure returns an empty fd
// and sets `error` to one sentence ("cannot connect to 10.0.0.5:6514: Connection refused").
UniqueFd Connect(const HostPort& target, int socktype, int timeout_ms, std::string& error);

// Waits up to `timeout_ms` for `events` (POLLIN, POLLOUT) on `fd`; false at the timeout.
bool WaitFor(int fd, short events, int timeout_ms);

// Whether the peer of a connected stream socket has closed or reset it. Never blocks; bytes the
// peer sent (a syslog receiver sends none) are read and discarded.
bool StreamPeerClosed(int fd);

// strerror_r, as a string.
std::string ErrnoText(int error);

}  // namespace apisensor::exporters::syslog
