#include "agent/exchange/exchange_record.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>

namespace apisensor {
namespace {

// Dotted-quad text of a 4-byte address. glibc's inet_ntop formats IPv4 with sprintf, which was a
// visible share of the per-exchange cost of the JSON output; the same text by hand is a few
// stores.
std::string_view FormatIpv4(const uint8_t* bytes, char* out) {
  char* p = out;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) *p++ = '.';
    const unsigned b = bytes[i];
    if (b >= 100) *p++ = static_cast<char>('0' + b / 100);
    if (b >= 10) *p++ = static_cast<char>('0' + b / 10 % 10);
    *p++ = static_cast<char>('0' + b % 10);
  }
  *p = '\0';
  return std::string_view(out, static_cast<size_t>(p - out));
}

}  // namespace

std::string_view SocketAddress::FormatAddress(char (&out)[kAddressTextSize]) const {
  static_assert(kAddressTextSize >= INET6_ADDRSTRLEN);
  // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; show them as the IPv4 they are so
  // the same client looks the same on either kind of socket.
  constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  const bool v4_mapped = family == AF_INET6 &&
                         std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), addr.begin());
  if (family == AF_INET || v4_mapped) {
    return FormatIpv4(addr.data() + (v4_mapped ? kV4MappedPrefix.size() : 0), out);
  }
  const char* text = nullptr;
  if (family == AF_INET6) text = inet_ntop(AF_INET6, addr.data(), out, kAddressTextSize);
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
