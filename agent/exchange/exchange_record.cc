#include "agent/exchange/exchange_record.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>

namespace apisensor {

std::string_view SocketAddress::FormatAddress(char (&out)[kAddressTextSize]) const {
  static_assert(kAddressTextSize >= INET6_ADDRSTRLEN);
  // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; show them as the IPv4 they are so
  // the same client looks the same on either kind of socket.
  constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  const bool v4_mapped = family == AF_INET6 &&
                         std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), addr.begin());
  const char* text = nullptr;
  if (family == AF_INET || v4_mapped) {
    text = inet_ntop(AF_INET, addr.data() + (v4_mapped ? kV4MappedPrefix.size() : 0), out,
                     kAddressTextSize);
  } else if (family == AF_INET6) {
    text = inet_ntop(AF_INET6, addr.data(), out, kAddressTextSize);
  }
  return text != nullptr ? std::string_view(text) : std::string_view();
}

std::string SocketAddress::AddressString() const {
  char text[kAddressTextSize];
  return std::string(FormatAddress(text));
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kClient:
      return "client";
    case Role::kServer:
      return "server";
    case Role::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace apisensor
