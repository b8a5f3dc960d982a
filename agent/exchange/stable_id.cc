#include "agent/exchange/stable_id.h"

#include <cstdint>

namespace apisensor {

std::string StableId(std::initializer_list<std::string_view> parts) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ULL;
  };
  for (std::string_view part : parts) {
    for (unsigned char c : part) mix(c);
    mix(0);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) id[static_cast<size_t>(i)] = kHex[h & 0xf];
  return id;
}

}  // namespace apisensor
