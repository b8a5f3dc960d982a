#include "agent/inventory/views.h"

#include <array>

namespace apisensor::inventory {
namespace {

constexpr std::array<std::string_view, 4> kStateNames = {"declared", "shadow", "zombie", "unused"};

}  // namespace

std::string_view EndpointStateName(EndpointState state) {
  return kStateNames[static_cast<size_t>(state)];
}

bool EndpointStateFromName(std::string_view name, EndpointState& out) {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) {
      out = static_cast<EndpointState>(i);
      return true;
    }
  }
  return false;
}

}  // namespace apisensor::inventory
