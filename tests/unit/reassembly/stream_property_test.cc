// Randomized check of the Stream contract: whatever the arrival order, duplication, truncation or
// loss, the delivered bytes and gaps line up position for position with the original stream.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "agent/reassembly/stream.h"
#include "tests/unit/reassembly/recording_sink.h"

namespace apisensor::reassembly {
namespace {

using testing::RecordingSink;

struct Piece {
  size_t offset;  // relative to the stream start
  uint32_t size;
  uint32_t captured;
  bool dropped;
  double slot;  // arrival order key
};

struct Scenario {
  bool exact;        // caps large enough that no hole is given up early
  bool drops;        // some pieces never arrive
  bool duplicates;   // some pieces arrive twice
  bool use_timeout;  // Expire is called as time passes
  size_t window;     // how far a piece may be displaced from its original slot
  StreamLimits limits;
};

Scenario MakeScenario(uint32_t seed, std::mt19937& rng) {
  Scenario s{};
  s.exact = seed % 2 == 0;
  s.drops = seed % 3 == 1;
  s.duplicates = seed % 5 < 2;
  s.use_timeout = !s.exact && seed % 4 == 3;
  s.window = std::uniform_int_distribution<size_t>(1, 12)(rng);
  if (s.exact) {
    s.limits.max_buffered_bytes = SIZE_MAX;
    s.limits.max_pending_chunks = SIZE_MAX;
    s.limits.reorder_timeout_ns = UINT64_MAX;
  } else {
    s.limits.max_buffered_bytes = std::uniform_int_distribution<size_t>(0, 4000)(rng);
    s.limits.max_pending_chunks = std::uniform_int_distribution<size_t>(0, 8)(rng);
    s.limits.reorder_timeout_ns = std::uniform_int_distribution<uint64_t>(1, 20)(rng);
  }
  return s;
}

void RunOne(uint32_t seed, StreamStats& total) {
  std::mt19937 rng(seed);
  const Scenario sc = MakeScenario(seed, rng);
  auto uniform = [&rng](uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
  };
  auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };

  // A third of the streams start just below 2^32 so that wrap-around happens mid-stream.
  const uint32_t start = seed % 3 == 0 ? static_cast<uint32_t>(0xFFFFFFFFull - uniform(0, 20000))
                                       : static_cast<uint32_t>(uniform(0, UINT32_MAX));
  std::string original(uniform(1, 30000), '\0');
  for (char& c : original) c = static_cast<char>(uniform(0, 255));

  std::vector<Piece> pieces;
  for (size_t off = 0; off < original.size();) {
    const auto size =
        static_cast<uint32_t>(std::min<uint64_t>(uniform(1, 700), original.size() - off));
    uint32_t captured = size;
    if (chance(0.15)) captured = static_cast<uint32_t>(uniform(0, size - 1));  // 0 = filler
    // The first piece defines the start, so it is never lost and always arrives first.
    const bool first = pieces.empty();
    const double slot =
        first ? -1.0 : static_cast<double>(pieces.size()) + uniform(0, sc.window * 1000) / 1000.0;
    pieces.push_back({off, size, captured, sc.drops && !first && chance(0.1), slot});
    off += size;
  }
  const size_t original_pieces = pieces.size();

  if (sc.duplicates) {
    // Bytes some original piece actually carries; exact mode only re-sends those so that the
    // outcome does not depend on which copy wins.
    std::vector<bool> available(original.size(), false);
    for (const Piece& p : pieces) {
      if (!p.dropped) std::fill_n(available.begin() + p.offset, p.captured, true);
    }
    for (size_t i = 1; i < original_pieces; ++i) {
      if (pieces[i].dropped || !chance(0.2)) continue;
      // Identical retransmission, possibly much later.
      Piece copy = pieces[i];
      copy.slot = static_cast<double>(i) + uniform(0, sc.window * 2000) / 1000.0;
      pieces.push_back(copy);
    }
    for (size_t n = uniform(0, original_pieces / 3); n > 0; --n) {
      // Retransmission with its own boundaries, overlapping neighbours partially.
      const size_t offset = uniform(0, original.size() - 1);
      size_t size = std::min<size_t>(uniform(1, 900), original.size() - offset);
      uint32_t captured = static_cast<uint32_t>(size);
      if (sc.exact) {
        size_t run = 0;
        while (run < size && available[offset + run]) ++run;
        if (run == 0) continue;
        size = captured = static_cast<uint32_t>(run);
      } else if (chance(0.3)) {
        captured = static_cast<uint32_t>(uniform(0, size - 1));
      }
      const auto slot_base = static_cast<double>(
          std::upper_bound(pieces.begin(), pieces.begin() + original_pieces, offset,
                           [](size_t off, const Piece& p) { return off < p.offset; }) -
          pieces.begin());
      pieces.push_back({offset, static_cast<uint32_t>(size), captured, false,
                        slot_base + uniform(0, sc.window * 1000) / 1000.0});
    }
  }

  std::vector<const Piece*> arrivals;
  for (const Piece& p : pieces) {
    if (!p.dropped) arrivals.push_back(&p);
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const Piece* a, const Piece* b) { return a->slot < b->slot; });

  Stream stream(sc.limits);
  RecordingSink sink;
  uint64_t now = 0;
  size_t received_end = 0;
  for (const Piece* arrival : arrivals) {
    const Piece& p = *arrival;
    const auto payload = testing::Bytes(original).subspan(p.offset, p.captured);
    stream.Add(start + static_cast<uint32_t>(p.offset), p.size, payload, now, sink);
    received_end = std::max(received_end, p.offset + p.size);
    ASSERT_LE(stream.buffered_bytes(), sc.limits.max_buffered_bytes);
    ASSERT_LE(stream.pending_chunks(), sc.limits.max_pending_chunks);
    ++now;
    if (sc.use_timeout) stream.Expire(now, sink);
  }
  stream.Drain(sink);
  ASSERT_EQ(stream.buffered_bytes(), 0u);

  // Positions no received copy carried (truncated tails, lost pieces) can never be bytes.
  std::vector<bool> must_be_gap(original.size(), true);
  for (const Piece* p : arrivals) {
    std::fill_n(must_be_gap.begin() + p->offset, p->captured, false);
  }

  const StreamStats& st = stream.stats();
  total.reordered_chunks += st.reordered_chunks;
  total.duplicate_bytes += st.duplicate_bytes;
  total.truncated_bytes += st.truncated_bytes;
  total.filler_bytes += st.filler_bytes;
  total.holes_timed_out += st.holes_timed_out;
  total.holes_forced_by_cap += st.holes_forced_by_cap;
  ASSERT_EQ(sink.symbols.size(), received_end);
  EXPECT_EQ(st.delivered_bytes + st.gap_bytes, received_end);
  size_t gaps = 0;
  for (size_t i = 0; i < received_end; ++i) {
    const int got = sink.symbols[i];
    if (got == RecordingSink::kGapSymbol) {
      ++gaps;
      continue;
    }
    ASSERT_FALSE(must_be_gap[i]) << "byte delivered where data was missing at " << i;
    ASSERT_EQ(got, static_cast<uint8_t>(original[i])) << "wrong byte at " << i;
  }
  if (sc.exact) {
    // Nothing is given up early, so every missing position is a gap and nothing else is.
    const size_t required =
        std::count(must_be_gap.begin(), must_be_gap.begin() + received_end, true);
    EXPECT_EQ(gaps, required);
    EXPECT_EQ(st.holes_forced_by_cap, 0u);
    EXPECT_EQ(st.holes_timed_out, 0u);
    if (!sc.drops) {
      EXPECT_EQ(st.gap_bytes, st.truncated_bytes + st.filler_bytes);
    }
  }
}

TEST(StreamPropertyTest, RandomSplitsShufflesTruncationsAndLosses) {
  StreamStats total;
  for (uint32_t seed = 0; seed < 600; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    RunOne(seed, total);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // Guards the generator itself: every path of the contract must actually have been exercised.
  EXPECT_GT(total.reordered_chunks, 0u);
  EXPECT_GT(total.duplicate_bytes, 0u);
  EXPECT_GT(total.truncated_bytes, 0u);
  EXPECT_GT(total.filler_bytes, 0u);
  EXPECT_GT(total.holes_timed_out, 0u);
  EXPECT_GT(total.holes_forced_by_cap, 0u);
}

}  // namespace
}  // namespace apisensor::reassembly
