// SocketAddress values from text, for tests and benchmarks that build exchange records by hand.
#pragma once

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstdint>

#include "agent/exchange/exchange_record.h"

namespace apisensor::testing {

inline SocketAddress V4(const char* ip, uint16_t port) {
  SocketAddress a;
  a.family = AF_INET;
  a.port = port;
  inet_pton(AF_INET, ip, a.addr.data());
  return a;
}

inline SocketAddress V6(const char* ip, uint16_t port = 0) {
  SocketAddress a;
  a.family = AF_INET6;
  a.port = port;
  inet_pton(AF_INET6, ip, a.addr.data());
  return a;
}

}  // namespace apisensor::testing
