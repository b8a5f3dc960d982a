#include "agent/sensitive/kind.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/sensitive/kind_printer.h"

namespace apisensor::sensitive {
namespace {

TEST(KindTest, NamesRoundTrip) {
  for (size_t i = 0; i < kKindCount; ++i) {
    const Kind kind = static_cast<Kind>(i);
    const std::optional<Kind> back = KindFromName(KindName(kind));
    ASSERT_TRUE(back.has_value()) << KindName(kind);
    EXPECT_EQ(*back, kind);
  }
  EXPECT_EQ(KindName(Kind::kCreditCard), "credit_card");
  EXPECT_EQ(KindName(Kind::kCloudAccessKey), "cloud_access_key");
  EXPECT_FALSE(KindFromName("Email").has_value());
  EXPECT_FALSE(KindFromName("").has_value());
}

TEST(KindTest, SetOperations) {
  KindSet set;
  EXPECT_TRUE(set.empty());
  set.Add(Kind::kJwt);
  set.Add(Kind::kEmail);
  set.Add(Kind::kJwt);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.Has(Kind::kJwt));
  EXPECT_FALSE(set.Has(Kind::kPhone));
  set |= KindSet{Kind::kPassword};
  EXPECT_TRUE(set.Has(Kind::kPassword));
  EXPECT_EQ(set.Without({Kind::kEmail}), (KindSet{Kind::kJwt, Kind::kPassword}));
  EXPECT_TRUE(KindSet::All().Contains(set));
  EXPECT_FALSE(set.Contains(KindSet::All()));
  EXPECT_EQ(KindSet::All().size(), kKindCount);
}

TEST(KindTest, IteratesInKindOrder) {
  const KindSet set{Kind::kPassword, Kind::kEmail, Kind::kIban};
  std::vector<Kind> seen;
  for (Kind kind : set) seen.push_back(kind);
  EXPECT_EQ(seen, (std::vector<Kind>{Kind::kEmail, Kind::kIban, Kind::kPassword}));
  std::vector<Kind> none;
  for (Kind kind : KindSet{}) none.push_back(kind);
  EXPECT_TRUE(none.empty());
}

TEST(KindTest, StorageFormDropsUnknownBits) {
  const KindSet set{Kind::kPhone, Kind::kPrivateKey};
  EXPECT_EQ(KindSet::FromBits(set.bits()), set);
  EXPECT_EQ(KindSet::FromBits(0xffff), KindSet::All());
  EXPECT_EQ(KindSet::FromBits(0xfc00).bits(), 0);
}

}  // namespace
}  // namespace apisensor::sensitive
