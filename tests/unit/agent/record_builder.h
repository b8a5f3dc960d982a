// Builds ring records byte for byte as the kernel writes them (bpf/events.h), so agent tests
// exercise the same decoding as the live path.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bpf/events.h"

namespace apisensor::testing {

// One side of a TCP connection as the kernel reports it.
struct SocketSide {
  uint32_t tgid = 100;
  int32_t fd = 5;
  uint64_t sock = 0xffff000000001000;
  uint8_t role = APISENSOR_ROLE_SERVER;
  uint16_t local_port = 8080;
  uint16_t remote_port = 40000;
  std::string comm = "server";
  uint8_t protocol = APISENSOR_PROTO_HTTP1;

  // The other end of the same loopback connection, as another process sees it.
  SocketSide Peer(uint32_t peer_tgid, int32_t peer_fd, uint64_t peer_sock,
                  std::string peer_comm) const {
    SocketSide peer = *this;
    peer.tgid = peer_tgid;
    peer.fd = peer_fd;
    peer.sock = peer_sock;
    peer.role = role == APISENSOR_ROLE_SERVER ? APISENSOR_ROLE_CLIENT : APISENSOR_ROLE_SERVER;
    peer.local_port = remote_port;
    peer.remote_port = local_port;
    peer.comm = std::move(peer_comm);
    return peer;
  }
};

inline apisensor_event_header Header(const SocketSide& side, uint8_t kind, uint64_t ts_ns) {
  apisensor_event_header h{};
  h.ts_ns = ts_ns;
  h.sock = side.sock;
  h.cgroup_id = 7;
  h.tgid = side.tgid;
  h.tid = side.tgid;
  h.fd = side.fd;
  h.kind = kind;
  std::strncpy(h.comm, side.comm.c_str(), sizeof(h.comm) - 1);
  return h;
}

inline apisensor_endpoint Loopback(uint16_t port) {
  apisensor_endpoint e{};
  e.family = 2;  // AF_INET
  e.port = port;
  e.addr[0] = 127;
  e.addr[3] = 1;
  return e;
}

// A data record: `bytes` moved at TCP position `seq`; `captured` < bytes.size() truncates.
inline std::vector<uint8_t> Data(const SocketSide& side, uint8_t direction, uint32_t seq,
                                 std::string_view bytes, uint64_t ts_ns,
                                 size_t captured = std::string_view::npos) {
  apisensor_data_event ev{};
  ev.hdr = Header(side, APISENSOR_EV_DATA, ts_ns);
  ev.local = Loopback(side.local_port);
  ev.remote = Loopback(side.remote_port);
  ev.seq = seq;
  ev.size = static_cast<uint32_t>(bytes.size());
  ev.captured = static_cast<uint32_t>(std::min(captured, bytes.size()));
  ev.direction = direction;
  ev.role = side.role;
  ev.protocol = side.protocol;
  std::vector<uint8_t> record(sizeof(ev) + ev.captured);
  std::memcpy(record.data(), &ev, sizeof(ev));
  std::memcpy(record.data() + sizeof(ev), bytes.data(), ev.captured);
  return record;
}

inline std::vector<uint8_t> Bare(const SocketSide& side, uint8_t kind, uint64_t ts_ns) {
  const apisensor_event_header h = Header(side, kind, ts_ns);
  std::vector<uint8_t> record(sizeof(h));
  std::memcpy(record.data(), &h, sizeof(h));
  return record;
}

}  // namespace apisensor::testing
