// Scanner behaviour beyond detection: empty and hostile input, the scan cap, early stop,
// already-known kinds, scratch misuse, threads sharing one Scanner, and no heap use per scan
// (counted by replacing operator new and Hyperscan's allocator in this test binary).
#include <gtest/gtest.h>
#include <hs/hs.h>

#include <cstdlib>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "agent/sensitive/jwt.h"
#include "tests/unit/sensitive/scanner_test_support.h"

namespace {
thread_local bool counting = false;
thread_local size_t allocations = 0;

void* CountingMalloc(size_t size) {
  if (counting) ++allocations;
  return std::malloc(size);
}
void CountingFree(void* p) { std::free(p); }
}  // namespace

// Array and nothrow forms too: Hyperscan's compiler uses them, and their default deletes would
// hand such blocks to the operator delete below.
void* operator new(size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
// GCC cannot see that the replaced operator new above allocates with malloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace apisensor::sensitive {
namespace {

constexpr char kJwt[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

std::string EveryKind() {
  return std::string("a@b.io +14155552671 4111111111111111 123-45-6789 DE89370400440532013000 ") +
         "10.0.0.1 " + kJwt + " -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B " +
         "AKIAIOSFODNN7EXAMPLE password=hunter2";
}

TEST_F(ScannerTest, EmptyInput) {
  EXPECT_EQ(Scan(""), KindSet{});
  EXPECT_EQ(Scan(std::string_view()), KindSet{});
  EXPECT_EQ(scratch_.stats().scans, 0u);
}

TEST_F(ScannerTest, BinaryGarbageIsHandled) {
  std::mt19937 random(12345);
  std::string garbage(64 * 1024, '\0');
  for (char& c : garbage) c = static_cast<char>(random());
  Scan(garbage);  // whatever it finds, it must not crash or report an error
  std::string all_bytes;
  for (int round = 0; round < 4; ++round) {
    for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  }
  EXPECT_EQ(Scan(all_bytes), KindSet{});
  EXPECT_EQ(Scan(std::string(4096, '\0')), KindSet{});
  EXPECT_EQ(scratch_.stats().scan_errors, 0u);
  // NUL bytes are separators like any other.
  EXPECT_EQ(Scan(std::string("\0a@b.io\0", 8)), KindSet{Kind::kEmail});
}

TEST_F(ScannerTest, DenseCandidatesStayCheap) {
  // Inputs made of nothing but near-candidates: every check runs, bounded, and rejects.
  EXPECT_EQ(Scan(std::string(8192, '1')), KindSet{});
  std::string dotted;
  while (dotted.size() < 8192) dotted += "1.2.3.4.";
  EXPECT_EQ(Scan(dotted), KindSet{});
  std::string colons;
  while (colons.size() < 8192) colons += "ab:";
  EXPECT_EQ(Scan(colons), KindSet{});
  std::string ats;
  while (ats.size() < 8192) ats += "a@";
  EXPECT_EQ(Scan(ats), KindSet{});
  std::string jwt_heads;
  while (jwt_heads.size() < 8192) jwt_heads += "eyJhbGciOkhTMjU2fQ.e";
  EXPECT_EQ(Scan(jwt_heads), KindSet{});
  const std::string long_header = "eyJ" + std::string(kMaxJwtHeaderChars, 'A') + ".eyJ.x";
  EXPECT_EQ(Scan(long_header), KindSet{});
  EXPECT_GE(scratch_.stats().candidates_oversized, 1u);
}

TEST_F(ScannerTest, StopsOnceEveryKindIsFound) {
  const std::string text = EveryKind() + " and more: b@c.io 5555555555554444";
  EXPECT_EQ(Scan(text), KindSet::All());
  EXPECT_EQ(scratch_.stats().early_stops, 1u);
  EXPECT_EQ(Scan("a@b.io"), KindSet{Kind::kEmail});
  EXPECT_EQ(scratch_.stats().early_stops, 1u);
}

TEST_F(ScannerTest, AlreadyKnownKindsAreNotLookedFor) {
  const Scanner& scanner = SharedScanner();
  const std::string text = "a@b.io 4111111111111111 10.0.0.1";
  EXPECT_EQ(scanner.Scan(text, scratch_, {Kind::kEmail}),
            (KindSet{Kind::kCreditCard, Kind::kIpAddress}));
  // With everything but the card known, the scan ends at the card.
  const uint64_t stops = scratch_.stats().early_stops;
  EXPECT_EQ(scanner.Scan(text, scratch_, KindSet::All().Without({Kind::kCreditCard})),
            KindSet{Kind::kCreditCard});
  EXPECT_EQ(scratch_.stats().early_stops, stops + 1);
  EXPECT_EQ(scanner.Scan(text, scratch_, KindSet::All()), KindSet{});
}

TEST_F(ScannerTest, ScanIsCappedAndCounted) {
  std::string text(kMaxScanBytes - 6, ' ');
  text += "a@b.io";             // ends exactly at the cap: found
  text += " 4111111111111111";  // beyond it: not scanned
  EXPECT_EQ(Scan(text), KindSet{Kind::kEmail});
  EXPECT_EQ(scratch_.stats().truncated_scans, 1u);
  EXPECT_EQ(scratch_.stats().bytes_not_scanned, 17u);
  EXPECT_EQ(scratch_.stats().bytes_scanned, kMaxScanBytes);
}

TEST_F(ScannerTest, StatsCountCandidates) {
  Scan("4111111111111112 4111111111111111");
  EXPECT_EQ(scratch_.stats().scans, 1u);
  EXPECT_EQ(scratch_.stats().candidates, 2u);
  EXPECT_EQ(scratch_.stats().candidates_rejected, 1u);
}

TEST(ScannerScratchTest, ScratchFromAnotherScannerIsRefused) {
  const Scanner other;
  Scanner::Scratch foreign = other.NewScratch();
  EXPECT_THROW(SharedScanner().Scan("a@b.io", foreign), std::invalid_argument);
  EXPECT_EQ(other.Scan("a@b.io", foreign), KindSet{Kind::kEmail});
}

TEST(ScannerScratchTest, MovedScannerAndScratchKeepWorking) {
  Scanner first;
  Scanner::Scratch scratch = first.NewScratch();
  const Scanner second = std::move(first);
  Scanner::Scratch moved = std::move(scratch);
  EXPECT_EQ(second.Scan("a@b.io", moved), KindSet{Kind::kEmail});
  // A moved-from scratch is refused rather than used.
  EXPECT_THROW(second.Scan("a@b.io", scratch),
               std::invalid_argument);  // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(second.ScanFields(std::vector<Field>{{"a", "b"}}, scratch), std::invalid_argument);
}

TEST(ScannerThreadsTest, OneScannerManyThreads) {
  const Scanner& scanner = SharedScanner();
  const std::vector<std::string> inputs = {EveryKind(),
                                           "nothing here",
                                           "a@b.io",
                                           R"({"password":"x","ip":"10.1.2.3"})",
                                           "4111 1111 1111 1111",
                                           std::string(3000, 'x') + kJwt};
  std::vector<KindSet> expected;
  Scanner::Scratch scratch = scanner.NewScratch();
  for (const std::string& input : inputs) expected.push_back(scanner.Scan(input, scratch));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Scanner::Scratch own = scanner.NewScratch();
      for (int round = 0; round < 500; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          if (scanner.Scan(inputs[i], own) != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(ScannerAllocationTest, ScanDoesNotAllocate) {
  ASSERT_EQ(hs_set_allocator(&CountingMalloc, &CountingFree), HS_SUCCESS);
  const Scanner scanner;
  Scanner::Scratch scratch = scanner.NewScratch();
  const std::string body = EveryKind() + std::string(2000, ' ') + "4111111111111112";
  const std::string clean(4096, 'x');
  counting = true;
  allocations = 0;
  KindSet found;
  for (int i = 0; i < 100; ++i) {
    found |= scanner.Scan(body, scratch);
    found |= scanner.Scan(clean, scratch);
    found |= scanner.ScanField("password", "hunter2", scratch);
  }
  counting = false;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(found, KindSet::All());
  // The counter itself works.
  counting = true;
  allocations = 0;
  Scanner::Scratch another = scanner.NewScratch();
  counting = false;
  EXPECT_GT(allocations, 0u);
  hs_set_allocator(nullptr, nullptr);
}

}  // namespace
}  // namespace apisensor::sensitive
