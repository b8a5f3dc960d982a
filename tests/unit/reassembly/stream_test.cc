#include "agent/reassembly/stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "tests/unit/reassembly/recording_sink.h"

namespace apisensor::reassembly {
namespace {

using testing::Bytes;
using testing::RecordingSink;

struct Chunk {
  uint32_t seq;
  std::string data;
  uint32_t size;  // true size; data.size() may be smaller
};

Chunk Full(uint32_t seq, std::string data) {
  const auto size = static_cast<uint32_t>(data.size());
  return {seq, std::move(data), size};
}

void AddChunk(Stream& s, const Chunk& c, uint64_t ts, RecordingSink& sink) {
  s.Add(c.seq, c.size, Bytes(c.data), ts, sink);
}

TEST(StreamTest, InOrderDeliversDirectly) {
  Stream s;
  RecordingSink sink;
  const std::string a = "GET / HTTP/1.1\r\n";
  const std::string b = "Host: x\r\n\r\n";
  s.Add(100, a.size(), Bytes(a), 1, sink);
  s.Add(100 + a.size(), b.size(), Bytes(b), 2, sink);
  EXPECT_EQ(sink.Text(), a + b);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].ts_ns, 1u);
  EXPECT_EQ(sink.events[1].ts_ns, 2u);
  EXPECT_EQ(s.stats().delivered_bytes, a.size() + b.size());
  EXPECT_EQ(s.stats().reordered_chunks, 0u);
  EXPECT_EQ(s.buffered_bytes(), 0u);
}

TEST(StreamTest, InOrderPassesCallerBufferWithoutCopy) {
  Stream s;
  struct PointerSink : StreamSink {
    const uint8_t* seen = nullptr;
    void OnBytes(std::span<const uint8_t> b, uint64_t) override { seen = b.data(); }
    void OnGap(uint64_t, uint64_t) override {}
  } sink;
  const std::string a = "abcdef";
  s.Add(7, a.size(), Bytes(a), 1, sink);
  EXPECT_EQ(sink.seen, Bytes(a).data());
}

TEST(StreamTest, ZeroSizeIgnoredAndDoesNotDefineStart) {
  Stream s;
  RecordingSink sink;
  s.Add(50, 0, {}, 1, sink);
  s.Add(10, 3, Bytes("abc"), 2, sink);
  s.Add(13, 0, {}, 3, sink);
  s.Add(13, 2, Bytes("de"), 4, sink);
  EXPECT_EQ(sink.Text(), "abcde");
}

TEST(StreamTest, EveryPermutationOfFourChunksGivesSameOutput) {
  const std::array<Chunk, 4> chunks = {Full(1000, "aaaa"), Full(1004, "bb"), Full(1006, "cccccc"),
                                       Full(1012, "d")};
  std::array<int, 3> order = {1, 2, 3};
  int permutations = 0;
  do {
    Stream s;
    RecordingSink sink;
    // The first chunk defines the start, so it always comes first; the rest arrive in any order.
    AddChunk(s, chunks[0], 0, sink);
    for (int i : order) AddChunk(s, chunks[i], i, sink);
    EXPECT_EQ(sink.Text(), "aaaabbccccccd") << "order " << order[0] << order[1] << order[2];
    EXPECT_EQ(s.buffered_bytes(), 0u);
    EXPECT_EQ(s.stats().gap_bytes, 0u);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 6);
}

TEST(StreamTest, EveryPermutationAfterAnEarlierStart) {
  // Same four chunks, all out of order relative to a first chunk that precedes them.
  const std::array<Chunk, 4> chunks = {Full(2, "aaaa"), Full(6, "bb"), Full(8, "cccccc"),
                                       Full(14, "d")};
  std::array<int, 4> order = {0, 1, 2, 3};
  int permutations = 0;
  do {
    Stream s;
    RecordingSink sink;
    AddChunk(s, Full(0, "xy"), 0, sink);
    for (int i : order) AddChunk(s, chunks[i], i + 1, sink);
    EXPECT_EQ(sink.Text(), "xyaaaabbccccccd");
    EXPECT_EQ(s.buffered_bytes(), 0u);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 24);
}

TEST(StreamTest, DuplicatesAndOverlapsAreTrimmed) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 4, Bytes("abcd"), 1, sink);
  s.Add(0, 4, Bytes("abcd"), 2, sink);              // exact duplicate
  s.Add(2, 4, Bytes("cdef"), 3, sink);              // overlaps delivered prefix
  s.Add(4294967290u, 6, Bytes("zzzzzz"), 4, sink);  // before the start
  EXPECT_EQ(sink.Text(), "abcdef");
  EXPECT_EQ(s.stats().duplicate_bytes, 4u + 2u + 6u);
  EXPECT_EQ(s.stats().delivered_bytes, 6u);
}

TEST(StreamTest, OverlapsAmongPendingChunks) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 2, Bytes("ab"), 1, sink);
  s.Add(6, 4, Bytes("ghij"), 2, sink);
  s.Add(4, 4, Bytes("efgh"), 3, sink);  // overlaps the held chunk
  s.Add(6, 2, Bytes("gh"), 4, sink);    // wholly inside held data: dropped on arrival
  EXPECT_EQ(s.stats().reordered_chunks, 2u);
  EXPECT_EQ(s.buffered_bytes(), 8u);
  s.Add(1, 4, Bytes("bcde"), 5, sink);  // fills the hole, overlapping both sides
  EXPECT_EQ(sink.Text(), "abcdefghij");
  EXPECT_EQ(s.buffered_bytes(), 0u);
  EXPECT_EQ(s.stats().duplicate_bytes, 2u + 1u + 1u + 2u);
}

TEST(StreamTest, TruncatedChunkDeliversBytesThenGap) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 10, Bytes("abcd"), 1, sink);
  s.Add(10, 2, Bytes("kl"), 2, sink);
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_EQ(sink.events[0].bytes, "abcd");
  EXPECT_TRUE(sink.events[1].gap);
  EXPECT_EQ(sink.events[1].missing, 6u);
  EXPECT_EQ(sink.events[2].bytes, "kl");
  EXPECT_EQ(s.stats().truncated_bytes, 6u);
  EXPECT_EQ(s.stats().gap_bytes, 6u);
  EXPECT_EQ(s.stats().filler_bytes, 0u);
}

TEST(StreamTest, TruncatedPendingChunkProducesItsGapOnDelivery) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 2, Bytes("ab"), 1, sink);
  s.Add(5, 6, Bytes("fg"), 2, sink);  // ahead and truncated
  s.Add(11, 1, Bytes("l"), 3, sink);
  EXPECT_EQ(s.buffered_bytes(), 3u);
  s.Add(2, 3, Bytes("cde"), 4, sink);
  EXPECT_EQ(sink.Text(), "abcdefg????l");
  EXPECT_EQ(s.stats().truncated_bytes, 4u);
}

TEST(StreamTest, TrimmedTruncatedChunkOnlyReportsTheUncoveredGap) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 4, Bytes("abcd"), 1, sink);
  s.Add(2, 6, Bytes("cde"), 2, sink);  // 2 duplicate, 1 new byte, 3 truncated
  EXPECT_EQ(sink.Text(), "abcde???");
  EXPECT_EQ(s.stats().duplicate_bytes, 2u);
  EXPECT_EQ(s.stats().truncated_bytes, 3u);
}

TEST(StreamTest, FillerBecomesGapOfItsSize) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 3, Bytes("abc"), 1, sink);
  s.Add(3, 4096, {}, 2, sink);  // sendfile: size only
  s.Add(4099, 2, Bytes("xy"), 3, sink);
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_TRUE(sink.events[1].gap);
  EXPECT_EQ(sink.events[1].missing, 4096u);
  EXPECT_EQ(s.stats().filler_bytes, 4096u);
  EXPECT_EQ(s.stats().truncated_bytes, 0u);
  EXPECT_EQ(s.stats().gap_bytes, 4096u);
}

TEST(StreamTest, FillerAsFirstChunkAndOutOfOrder) {
  Stream s;
  RecordingSink sink;
  s.Add(100, 5, {}, 1, sink);
  s.Add(110, 2, Bytes("kl"), 2, sink);
  s.Add(105, 5, {}, 3, sink);
  EXPECT_EQ(sink.Text(), "??????????kl");
  EXPECT_EQ(s.stats().filler_bytes, 10u);
}

TEST(StreamTest, WrapAroundAcrossTwoToThe32) {
  Stream s;
  RecordingSink sink;
  std::string expected;
  uint32_t seq = 0xFFFFFF00u;
  for (int i = 0; i < 10; ++i) {
    const std::string data(100, static_cast<char>('a' + i));
    s.Add(seq, data.size(), Bytes(data), i, sink);
    seq += static_cast<uint32_t>(data.size());  // wraps after the third chunk
    expected += data;
  }
  EXPECT_EQ(sink.Text(), expected);
  EXPECT_EQ(s.stats().duplicate_bytes, 0u);
  EXPECT_EQ(s.stats().reordered_chunks, 0u);
}

TEST(StreamTest, StartNearWrapWithReordering) {
  // Chunks straddle and follow 2^32 and arrive out of order.
  const uint32_t start = 0xFFFFFFF0u;
  const std::array<Chunk, 4> chunks = {
      Full(start, std::string(8, 'a')), Full(start + 8, std::string(16, 'b')),  // crosses 2^32
      Full(start + 24, std::string(4, 'c')), Full(start + 28, std::string(8, 'd'))};
  const std::string expected =
      std::string(8, 'a') + std::string(16, 'b') + std::string(4, 'c') + std::string(8, 'd');
  std::array<int, 3> order = {1, 2, 3};
  do {
    Stream s;
    RecordingSink sink;
    AddChunk(s, chunks[0], 0, sink);
    for (int i : order) AddChunk(s, chunks[i], i, sink);
    EXPECT_EQ(sink.Text(), expected);
    EXPECT_EQ(s.stats().duplicate_bytes, 0u);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(StreamTest, ChunkBeforeStartAcrossWrapIsOldData) {
  Stream s;
  RecordingSink sink;
  s.Add(0x10, 4, Bytes("abcd"), 1, sink);
  s.Add(0xFFFFFFF0u, 0x20, {}, 2, sink);  // covers [-0x10, 0x10): entirely before the start
  s.Add(0x14, 1, Bytes("e"), 3, sink);
  EXPECT_EQ(sink.Text(), "abcde");
  EXPECT_EQ(s.stats().duplicate_bytes, 0x20u);
}

TEST(StreamTest, ExpireReportsHoleAfterTimeout) {
  StreamLimits limits;
  limits.reorder_timeout_ns = 1000;
  Stream s(limits);
  RecordingSink sink;
  s.Add(0, 2, Bytes("ab"), 100, sink);
  s.Add(5, 2, Bytes("fg"), 200, sink);
  s.Add(9, 1, Bytes("j"), 500, sink);
  s.Expire(1199, sink);  // the oldest held chunk has waited 999 ns
  EXPECT_EQ(sink.Text(), "ab");
  s.Expire(1200, sink);
  // First hole gives up; the second hole's data arrived at 500 so it has waited only 700 ns.
  EXPECT_EQ(sink.Text(), "ab???fg");
  EXPECT_EQ(s.stats().holes_timed_out, 1u);
  EXPECT_EQ(s.buffered_bytes(), 1u);
  s.Expire(1500, sink);
  EXPECT_EQ(sink.Text(), "ab???fg??j");
  EXPECT_EQ(s.stats().holes_timed_out, 2u);
  EXPECT_EQ(s.stats().gap_bytes, 5u);
  EXPECT_EQ(s.buffered_bytes(), 0u);

  // The late bytes of an expired hole are old data now.
  s.Add(2, 3, Bytes("cde"), 1600, sink);
  EXPECT_EQ(sink.Text(), "ab???fg??j");
  EXPECT_EQ(s.stats().duplicate_bytes, 3u);
}

TEST(StreamTest, ExpireIgnoresTimestampsFromTheFuture) {
  StreamLimits limits;
  limits.reorder_timeout_ns = 10;
  Stream s(limits);
  RecordingSink sink;
  s.Add(0, 1, Bytes("a"), 1000, sink);
  s.Add(2, 1, Bytes("c"), 1000, sink);
  s.Expire(500, sink);
  EXPECT_EQ(sink.Text(), "a");
  EXPECT_EQ(s.pending_chunks(), 1u);
}

TEST(StreamTest, ChunkCapForcesGap) {
  StreamLimits limits;
  limits.max_pending_chunks = 3;
  Stream s(limits);
  RecordingSink sink;
  s.Add(0, 1, Bytes("a"), 1, sink);
  s.Add(2, 1, Bytes("c"), 2, sink);
  s.Add(4, 1, Bytes("e"), 3, sink);
  s.Add(6, 1, Bytes("g"), 4, sink);
  EXPECT_EQ(sink.Text(), "a");
  EXPECT_EQ(s.pending_chunks(), 3u);
  s.Add(8, 1, Bytes("i"), 5, sink);  // fourth held chunk: the first hole is given up
  EXPECT_EQ(sink.Text(), "a?c");
  EXPECT_EQ(s.pending_chunks(), 3u);
  EXPECT_EQ(s.stats().holes_forced_by_cap, 1u);
  s.Add(1, 1, Bytes("b"), 6, sink);  // too late
  EXPECT_EQ(s.stats().duplicate_bytes, 1u);
  s.Add(3, 1, Bytes("d"), 7, sink);
  EXPECT_EQ(sink.Text(), "a?cde");
  s.Add(5, 1, Bytes("f"), 8, sink);
  s.Add(7, 1, Bytes("h"), 9, sink);
  EXPECT_EQ(sink.Text(), "a?cdefghi");
  EXPECT_EQ(s.pending_chunks(), 0u);
}

TEST(StreamTest, ByteCapForcesGapAndBoundsMemory) {
  StreamLimits limits;
  limits.max_buffered_bytes = 1000;
  limits.max_pending_chunks = 1000;
  Stream s(limits);
  RecordingSink sink;
  const std::string block(300, 'x');
  s.Add(0, 10, Bytes(std::string(10, 'a')), 0, sink);
  // Every other 300-byte block is missing; only three fit under the cap at any time.
  for (uint32_t i = 0; i < 20; ++i) {
    s.Add(10 + (2 * i + 1) * 300, 300, Bytes(block), i + 1, sink);
    EXPECT_LE(s.buffered_bytes(), limits.max_buffered_bytes);
  }
  EXPECT_GT(s.stats().holes_forced_by_cap, 0u);
  EXPECT_EQ(s.buffered_bytes(), 900u);
  s.Drain(sink);
  EXPECT_EQ(s.buffered_bytes(), 0u);
  EXPECT_EQ(s.stats().gap_bytes, 20u * 300u);
  EXPECT_EQ(s.stats().delivered_bytes, 10u + 20u * 300u);
  EXPECT_EQ(sink.symbols.size(), 10u + 40u * 300u);
}

TEST(StreamTest, ChunkLargerThanByteCapIsForcedThrough) {
  StreamLimits limits;
  limits.max_buffered_bytes = 16;
  Stream s(limits);
  RecordingSink sink;
  s.Add(0, 1, Bytes("a"), 1, sink);
  s.Add(5, 20, Bytes(std::string(20, 'z')), 2, sink);
  EXPECT_EQ(s.buffered_bytes(), 0u);
  EXPECT_EQ(sink.Text(), "a????" + std::string(20, 'z'));
  EXPECT_EQ(s.stats().holes_forced_by_cap, 1u);
}

TEST(StreamTest, DrainReportsAllHolesAndDeliversEverything) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 2, Bytes("ab"), 1, sink);
  s.Add(4, 2, Bytes("ef"), 2, sink);
  s.Add(8, 4, Bytes("i"), 3, sink);  // truncated
  s.Add(14, 1, Bytes("o"), 4, sink);
  EXPECT_EQ(sink.Text(), "ab");
  s.Drain(sink);
  EXPECT_EQ(sink.Text(), "ab??ef??i?????o");
  EXPECT_EQ(s.buffered_bytes(), 0u);
  EXPECT_EQ(s.pending_chunks(), 0u);
  EXPECT_EQ(s.stats().gap_bytes, 2u + 2u + 3u + 2u);
  EXPECT_EQ(s.stats().holes_timed_out, 0u);
  EXPECT_EQ(s.stats().holes_forced_by_cap, 0u);
  s.Drain(sink);  // idempotent
  EXPECT_EQ(sink.Text(), "ab??ef??i?????o");
}

TEST(StreamTest, PrefersTheBetterCapturedCopyAtTheSamePosition) {
  Stream s;
  RecordingSink sink;
  s.Add(0, 1, Bytes("a"), 1, sink);
  s.Add(2, 4, Bytes("c"), 2, sink);     // truncated copy
  s.Add(2, 4, Bytes("cdef"), 3, sink);  // full retransmission
  s.Add(1, 1, Bytes("b"), 4, sink);
  EXPECT_EQ(sink.Text(), "abcdef");
  EXPECT_EQ(s.stats().truncated_bytes, 0u);
}

}  // namespace
}  // namespace apisensor::reassembly
