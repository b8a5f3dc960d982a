#include "agent/exchange/stable_id.h"

#include <cstdint>

namespace apisensor {

namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t Mix(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace

uint64_t Fnv1a64(std::string_view s) { return Mix(kFnvOffset, s); }

std::string StableId(std::initializer_list<std::string_view> parts) {
  uint64_t h = kFnvOffset;
  for (std::string_view part : parts) {
    h = Mix(h, part);
    h = Mix(h, std::string_view("\0", 1));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) id[static_cast<size_t>(i)] = kHex[h & 0xf];
  return id;
}

}  // namespace apisensor
