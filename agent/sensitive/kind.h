// The kinds of sensitive data the scanner recognises, and a compact set of them. A KindSet is
// two bytes, so an inventory can keep one per endpoint and direction; bits() / FromBits() are the
// storage form (FromBits drops bits that name no kind, so stored garbage cannot invent kinds).
// Names are the stable strings used in exports and the OpenAPI extension; never renumber Kind.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace apisensor::sensitive {

enum class Kind : uint8_t {
  kEmail,
  kPhone,
  kCreditCard,
  kNationalId,
  kIban,
  kIpAddress,
  kJwt,
  kPrivateKey,
  kCloudAccessKey,
  kPassword,
};
inline constexpr size_t kKindCount = 10;

// "email", "phone", "credit_card", "national_id", "iban", "ip_address", "jwt", "private_key",
// "cloud_access_key", "password".
std::string_view KindName(Kind kind);
std::optional<Kind> KindFromName(std::string_view name);

class KindSet {
 public:
  class Iterator {
   public:
    explicit constexpr Iterator(uint16_t remaining) : remaining_(remaining) {}
    constexpr Kind operator*() const { return static_cast<Kind>(std::countr_zero(remaining_)); }
    constexpr Iterator& operator++() {
      remaining_ &= static_cast<uint16_t>(remaining_ - 1);  // clears the lowest set bit
      return *this;
    }
    constexpr bool operator==(const Iterator&) const = default;

   private:
    uint16_t remaining_;
  };

  constexpr KindSet() = default;
  constexpr KindSet(std::initializer_list<Kind> kinds) {
    for (Kind k : kinds) Add(k);
  }

  static constexpr KindSet All() { return FromBits(kAllBits); }
  static constexpr KindSet FromBits(uint16_t bits) {
    KindSet set;
    set.bits_ = bits & kAllBits;
    return set;
  }

  constexpr void Add(Kind kind) { bits_ |= Bit(kind); }
  constexpr bool Has(Kind kind) const { return (bits_ & Bit(kind)) != 0; }
  constexpr KindSet& operator|=(KindSet other) {
    bits_ |= other.bits_;
    return *this;
  }
  constexpr void Merge(KindSet other) { *this |= other; }
  // Kinds in this set and not in `other`.
  constexpr KindSet Without(KindSet other) const { return FromBits(bits_ & ~other.bits_); }
  constexpr bool Contains(KindSet other) const { return (bits_ & other.bits_) == other.bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr size_t size() const { return static_cast<size_t>(std::popcount(bits_)); }
  constexpr uint16_t bits() const { return bits_; }
  constexpr bool operator==(const KindSet&) const = default;

  // Ascending Kind order.
  constexpr Iterator begin() const { return Iterator(bits_); }
  constexpr Iterator end() const { return Iterator(0); }

 private:
  static constexpr uint16_t kAllBits = (1u << kKindCount) - 1;
  static constexpr uint16_t Bit(Kind kind) {
    return static_cast<uint16_t>(1u << static_cast<unsigned>(kind));
  }

  uint16_t bits_ = 0;
};

constexpr KindSet operator|(KindSet a, KindSet b) { return a |= b; }
constexpr KindSet operator&(KindSet a, KindSet b) { return KindSet::FromBits(a.bits() & b.bits()); }

}  // namespace apisensor::sensitive
