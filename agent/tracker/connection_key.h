// Identity of a traced connection and of its TCP 4-tuple.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>

#include "agent/exchange/exchange_record.h"

namespace apisensor::tracker {

// A socket as one process sees it. The kernel's sock address tells a reused fd number apart.
struct ConnectionKey {
  uint32_t tgid = 0;
  int32_t fd = 0;
  uint64_t sock = 0;
  bool operator==(const ConnectionKey&) const = default;
};

struct ConnectionKeyHash {
  size_t operator()(const ConnectionKey& k) const noexcept {
    uint64_t h = k.sock ^ (static_cast<uint64_t>(k.tgid) << 32 | static_cast<uint32_t>(k.fd));
    return std::hash<uint64_t>{}(h * 0x9E3779B97F4A7C15ULL);
  }
};

// (local, remote) with IPv4 written as IPv4-mapped IPv6, so an AF_INET server and an AF_INET6
// client of the same connection produce mirrored keys.
struct TupleKey {
  std::array<uint8_t, 36> bytes{};

  static TupleKey Of(const SocketAddress& local, const SocketAddress& remote);
  TupleKey Mirrored() const;
  bool operator==(const TupleKey&) const = default;
};

struct TupleKeyHash {
  size_t operator()(const TupleKey& k) const noexcept {
    return std::hash<std::string_view>{}(
        std::string_view(reinterpret_cast<const char*>(k.bytes.data()), k.bytes.size()));
  }
};

}  // namespace apisensor::tracker
