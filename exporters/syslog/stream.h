// One connection to a syslog receiver over TCP, plain or TLS: it writes bytes and tells whether
// the receiver has gone away since the last write.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "exporters/syslog/host_port.h"
#include "exporters/syslog/socket.h"

namespace apisensor::exporters::syslog {

class Stream {
 public:
  virtual ~Stream() = default;
  // Writes all of `data`, waiting at most `timeout_ms` each time the socket is full; false with
  // one sentence in `error` when the connection broke or stalled (it is then unusable).
  virtual bool WriteAll(std::string_view data, std::string& error) = 0;
  // Whether the receiver closed or reset the connection. Never blocks.
  virtual bool PeerClosed() = 0;
};

// A plain TCP connection; nullptr with `error` set when it cannot be made.
std::unique_ptr<Stream> ConnectPlainStream(const HostPort& target, int timeout_ms,
                                           std::string& error);

}  // namespace apisensor::exporters::syslog
