#include "agent/tracker/connection_key.h"

#include <sys/socket.h>

namespace apisensor::tracker {
namespace {

void PutEndpoint(const SocketAddress& a, uint8_t* out) {
  if (a.family == AF_INET) {
    std::memset(out, 0, 10);
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out + 12, a.addr.data(), 4);
  } else {
    std::memcpy(out, a.addr.data(), 16);
  }
  out[16] = static_cast<uint8_t>(a.port >> 8);
  out[17] = static_cast<uint8_t>(a.port);
}

}  // namespace

TupleKey TupleKey::Of(const SocketAddress& local, const SocketAddress& remote) {
  TupleKey k;
  PutEndpoint(local, k.bytes.data());
  PutEndpoint(remote, k.bytes.data() + 18);
  return k;
}

TupleKey TupleKey::Mirrored() const {
  TupleKey m;
  std::memcpy(m.bytes.data(), bytes.data() + 18, 18);
  std::memcpy(m.bytes.data() + 18, bytes.data(), 18);
  return m;
}

}  // namespace apisensor::tracker
