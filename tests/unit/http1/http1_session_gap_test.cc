// Lost bytes, garbage and early answers: what survives, and how a direction finds its footing
// again. Transcripts whose chunks all start where the sender's writes did are also replayed at
// every split point; garbage transcripts are not, since cutting garbage can legitimately create a
// chunk that looks like a message start.
#include <gtest/gtest.h>

#include "tests/unit/http1/session_harness.h"
#include "tests/unit/http1/split_check.h"

namespace apisensor::http1::test {
namespace {

constexpr Direction kReq = Direction::kRequest;
constexpr Direction kResp = Direction::kResponse;

using Lines = std::vector<std::string>;

// Checks the whole-chunk run and every split of it; returns the whole run for stats checks.
Result ExpectEverywhere(const Script& script, const Lines& expected) {
  Result r = RunScript(script);
  EXPECT_EQ(r.exchanges, expected);
  ExpectSameAtEverySplit(script, expected);
  ExpectSameByteByByte(script, expected);
  return r;
}

TEST(Http1Gap, InsideContentLengthBodyIsAbsorbed) {
  const Result r = ExpectEverywhere(
      {Req("POST /up HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 1), Gap(kReq, 4, 2), Req("hij", 3),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4)},
      {"POST /up HTTP/1.1 {content-length: 10} body=10 'abc' t=1-3 partial => 200 HTTP/1.1 "
       "{content-length: 0} body=0 '' t=4-4 [complete]"});
  EXPECT_EQ(r.stats.gap_bytes_skipped, 4u);
  EXPECT_EQ(r.stats.gaps_broke_message, 0u);
}

TEST(Http1Gap, EndingExactlyAtBodyEndCompletesMessage) {
  ExpectEverywhere(
      {Req("GET /a HTTP/1.1\r\n\r\n", 1), Resp("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab", 2),
       Gap(kResp, 4, 3), Req("GET /b HTTP/1.1\r\n\r\n", 4),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 5)},
      {"GET /a HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 6} "
       "body=6 'ab' t=2-3 partial [complete]",
       "GET /b HTTP/1.1 {} body=0 '' t=4-4 => 200 HTTP/1.1 {content-length: 1} "
       "body=1 'z' t=5-5 [complete]"});
}

TEST(Http1Gap, InsideChunkDataIsAbsorbed) {
  const Result r = ExpectEverywhere(
      {Req("GET /a HTTP/1.1\r\n\r\n", 1),
       Resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nhel", 2), Gap(kResp, 5, 3),
       Resp("\r\n3\r\nxyz\r\n0\r\n\r\n", 4)},
      {"GET /a HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {transfer-encoding: chunked} body=11 "
       "'hel' t=2-4 partial [complete]"});
  EXPECT_EQ(r.stats.gap_bytes_skipped, 5u);
}

TEST(Http1Gap, HugeGapInsideHugeBodyCostsNoWork) {
  ExpectEverywhere({Req("GET /a HTTP/1.1\r\n\r\n", 1),
                    Resp("HTTP/1.1 200 OK\r\nContent-Length: 9000000000000\r\n\r\nab", 2),
                    Gap(kResp, 8999999999990, 3), Resp("12345678", 4)},
                   {"GET /a HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: "
                    "9000000000000} body=9000000000000 'ab' t=2-4 partial [complete]"});
}

TEST(Http1Gap, InRequestHeadersResyncsAtNextRequest) {
  const Result r = ExpectEverywhere(
      {Req("GET /a HTTP/1.1\r\nHo", 1), Gap(kReq, 10, 2),
       Req("GET /b HTTP/1.1\r\nHost: h\r\n\r\n", 3),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4)},
      {"GET /b HTTP/1.1 {host: h} body=0 '' t=3-3 => 200 HTTP/1.1 {content-length: 0} body=0 '' "
       "t=4-4 [complete]"});
  EXPECT_EQ(r.stats.gaps_broke_message, 1u);
}

TEST(Http1Gap, BytesAfterBrokenMessageInSameDirectionAreSkipped) {
  // The chunk after the gap is the tail of the cut message: discarded until a chunk starts anew.
  const Result r = RunScript({Req("GET /a HTTP/1.1\r\nHo", 1), Gap(kReq, 3, 2),
                              Req("t: h\r\n\r\n", 3), Req("GET /b HTTP/1.1\r\n\r\n", 4),
                              Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 5)});
  ASSERT_EQ(r.exchanges.size(), 1u);
  EXPECT_EQ(r.exchanges[0].substr(0, 7), "GET /b ");
  EXPECT_EQ(r.stats.resync_skipped_bytes, 8u);
}

TEST(Http1Gap, RequestCutAfterHeadersStillGetsItsResponse) {
  const Result r = ExpectEverywhere(
      {Req("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab", 1), Gap(kReq, 99, 2),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3)},
      {"POST /a HTTP/1.1 {transfer-encoding: chunked} body=2 'ab' t=1-1 partial => 200 HTTP/1.1 "
       "{content-length: 0} body=0 '' t=3-3 [complete]"});
  EXPECT_EQ(r.stats.gaps_broke_message, 1u);
}

TEST(Http1Gap, LostResponsePairsNextWithNewestRequest) {
  const Result r = ExpectEverywhere(
      {Req("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 1),
       Resp("HTTP/1.1 200 OK\r\nContent-Le", 2), Gap(kResp, 50, 3),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nb2", 4), Req("GET /3 HTTP/1.1\r\n\r\n", 5),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nb3", 6)},
      {"GET /1 HTTP/1.1 {} body=0 '' t=1-1 => none [response-lost]",
       "GET /2 HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 2} body=2 'b2' "
       "t=4-4 [complete]",
       "GET /3 HTTP/1.1 {} body=0 '' t=5-5 => 200 HTTP/1.1 {content-length: 2} body=2 'b3' "
       "t=6-6 [complete]"});
  EXPECT_EQ(r.stats.gaps_broke_message, 1u);
}

TEST(Http1Gap, PastBodyEndEmitsPartialResponseThenLosesOthers) {
  ExpectEverywhere(
      {Req("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n", 1),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab", 2), Gap(kResp, 100, 3),
       Resp("HTTP/1.1 204 No Content\r\n\r\n", 4)},
      {"GET /1 HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 4} body=2 'ab' "
       "t=2-2 partial [complete]",
       "GET /2 HTTP/1.1 {} body=0 '' t=1-1 => none [response-lost]",
       "GET /3 HTTP/1.1 {} body=0 '' t=1-1 => 204 HTTP/1.1 {} body=0 '' t=4-4 [complete]"});
}

TEST(Http1Resync, GarbageBeforeFirstMessage) {
  const Result r =
      RunScript({Req(std::string("\x00\x01garbage\r\n", 11), 1), Req("ody tail", 2),
                 Req("GET /a HTTP/1.1\r\n\r\n", 3), Resp("tail of an older response", 4),
                 Resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nk", 5)});
  EXPECT_EQ(r.exchanges, (Lines{"GET /a HTTP/1.1 {} body=0 '' t=3-3 => 200 HTTP/1.1 "
                                "{content-length: 1} body=1 'k' t=5-5 [complete]"}));
  EXPECT_EQ(r.stats.resync_skipped_bytes, 11u + 8u + 25u);
  EXPECT_EQ(r.stats.parse_errors, 0u);
}

TEST(Http1Resync, SplitStartThatFailsToParseIsSkippedWhole) {
  // "XYZ " looks like a method token, but llhttp knows no such method.
  const Result r = RunScript({Req("XY", 1), Req("Z / HTTP/1.1\r\n\r\n", 2)});
  EXPECT_TRUE(r.exchanges.empty());
  EXPECT_EQ(r.stats.parse_errors, 1u);
  EXPECT_EQ(r.stats.resync_skipped_bytes, 18u);
}

TEST(Http1Resync, GarbageBetweenMessages) {
  const Result r = RunScript(
      {Req("GET /a HTTP/1.1\r\n\r\n", 1), Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 2),
       Req("\x16\x03\x01 junk", 3), Resp("junk", 4), Req("DELETE /b HTTP/1.1\r\n\r\n", 5),
       Resp("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", 6)});
  EXPECT_EQ(r.exchanges, (Lines{"GET /a HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 "
                                "{content-length: 0} body=0 '' t=2-2 [complete]",
                                "DELETE /b HTTP/1.1 {} body=0 '' t=5-5 => 202 HTTP/1.1 "
                                "{content-length: 0} body=0 '' t=6-6 [complete]"}));
  EXPECT_EQ(r.stats.parse_errors, 2u);
}

TEST(Http1Resync, ParseErrorMidChunkedBodyKeepsResponseAsPartial) {
  const Result r = ExpectEverywhere(
      {Req("GET /a HTTP/1.1\r\n\r\n", 1),
       Resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\nzz\r\n", 2),
       Req("GET /b HTTP/1.1\r\n\r\n", 3), Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4)},
      {"GET /a HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {transfer-encoding: chunked} body=2 "
       "'ab' t=2-2 partial [complete]",
       "GET /b HTTP/1.1 {} body=0 '' t=3-3 => 200 HTTP/1.1 {content-length: 0} body=0 '' t=4-4 "
       "[complete]"});
  EXPECT_EQ(r.stats.parse_errors, 1u);
}

TEST(Http1EarlyResponse, AnswerBeforeRequestBodyPairsWithThatRequest) {
  const Result r = ExpectEverywhere(
      {Req("POST /upload HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n", 1),
       Resp("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n", 2), Req("0123456789", 3),
       Req("GET /next HTTP/1.1\r\n\r\n", 4),
       Resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nk", 5)},
      {"POST /upload HTTP/1.1 {content-length: 10, expect: 100-continue} body=0 '' t=1-1 partial "
       "=> 413 HTTP/1.1 {content-length: 0} body=0 '' t=2-2 [complete]",
       "GET /next HTTP/1.1 {} body=0 '' t=4-4 => 200 HTTP/1.1 {content-length: 1} body=1 'k' "
       "t=5-5 [complete]"});
  EXPECT_EQ(r.stats.requests, 2u);
  EXPECT_EQ(r.stats.orphan_responses, 0u);
}

TEST(Http1EarlyResponse, CloseAfterEarlyAnswerEmitsNothingMore) {
  ExpectEverywhere({Req("PUT /f HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 1),
                    Resp("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", 2), Close(3)},
                   {"PUT /f HTTP/1.1 {content-length: 10} body=3 'abc' t=1-1 partial => 401 "
                    "HTTP/1.1 {content-length: 0} body=0 '' t=2-2 [complete]"});
}

}  // namespace
}  // namespace apisensor::http1::test
