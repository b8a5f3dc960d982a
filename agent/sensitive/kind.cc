#include "agent/sensitive/kind.h"

#include <array>
#include <optional>
#include <string_view>

namespace apisensor::sensitive {
namespace {

// Indexed by Kind; the order is the enum's.
constexpr std::array<std::string_view, kKindCount> kNames = {
    "email",      "phone", "credit_card", "national_id",      "iban",
    "ip_address", "jwt",   "private_key", "cloud_access_key", "password",
};

}  // namespace

std::string_view KindName(Kind kind) {
  const auto index = static_cast<size_t>(kind);
  return index < kNames.size() ? kNames[index] : std::string_view("unknown");
}

std::optional<Kind> KindFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

}  // namespace apisensor::sensitive
