// Ids that stay the same across runs, builds and machines for the same parts (endpoint ids,
// finding ids), so a store, a collector and a SIEM can de-duplicate on them. std::hash promises
// none of that.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace apisensor {

// 16 hex digits of FNV-1a 64 over the parts, each followed by a NUL so that ("ab", "c") and
// ("a", "bc") differ.
std::string StableId(std::initializer_list<std::string_view> parts);

// FNV-1a 64 of `s`: the hash under StableId, for callers that need the number (telling values
// apart without keeping them).
uint64_t Fnv1a64(std::string_view s);

}  // namespace apisensor
