// How syslog messages travel: UDP (RFC 5426, one message per datagram), TCP with octet counting
// (RFC 6587 §3.4.1: "LEN SP MSG", so a message may hold any byte), or the same over TLS (RFC
// 5425). Stream transports keep one connection and make a new one after a failure.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "exporters/syslog/host_port.h"
#include "exporters/syslog/tls_stream.h"

namespace apisensor::exporters::syslog {

class Transport {
 public:
  virtual ~Transport() = default;
  // Hands every message to the network; "" on success, else one sentence (a connection is then
  // dropped, to be made again by the next call).
  virtual std::string Send(std::span<const std::string> messages) = 0;
};

std::unique_ptr<Transport> MakeUdpTransport(HostPort target, int timeout_ms);
// Plain TCP when `tls` is null.
std::unique_ptr<Transport> MakeStreamTransport(HostPort target, int timeout_ms,
                                               std::shared_ptr<const TlsContext> tls);

}  // namespace apisensor::exporters::syslog
