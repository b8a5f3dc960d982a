#include <gtest/gtest.h>

#include "tests/unit/http1/scenarios.h"

namespace apisensor::http1::test {
namespace {

class CleanScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(CleanScenarioTest, EmitsExactExchanges) {
  const Scenario& sc = GetParam();
  const Result r = RunScript(sc.script, sc.limits);
  EXPECT_EQ(r.exchanges, sc.expected);
  EXPECT_EQ(r.stats.parse_errors, 0u);
}

INSTANTIATE_TEST_SUITE_P(Http1, CleanScenarioTest, ::testing::ValuesIn(CleanScenarios()),
                         [](const auto& info) { return info.param.name; });

const Scenario& Find(const std::string& name) {
  static const std::vector<Scenario> all = CleanScenarios();
  for (const auto& s : all) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no scenario " << name;
  return all.front();
}

TEST(Http1Stats, CountsRequestsAndResponses) {
  const Result r = RunScript(Find("KeepAlivePutDeleteAnd304").script);
  EXPECT_EQ(r.stats.requests, 4u);
  EXPECT_EQ(r.stats.responses, 4u);
  EXPECT_EQ(r.stats.resync_skipped_bytes, 0u);
}

TEST(Http1Stats, InformationalResponsesAreCountedNotPaired) {
  const Result r = RunScript(Find("ContinueAndEarlyHints").script);
  EXPECT_EQ(r.stats.informational, 2u);
  EXPECT_EQ(r.stats.responses, 1u);
}

TEST(Http1Stats, OrphanResponseIsCounted) {
  const Result r = RunScript(Find("OrphanResponse").script);
  EXPECT_EQ(r.stats.orphan_responses, 1u);
  EXPECT_EQ(r.stats.responses, 2u);
}

TEST(Http1Stats, PendingOverflowIsCounted) {
  const Scenario& sc = Find("PendingOverflow");
  const Result r = RunScript(sc.script, sc.limits);
  EXPECT_EQ(r.stats.pending_overflow, 1u);
}

TEST(Http1Upgrade, SwitchingProtocolsStopsParsing) {
  const Result r = RunScript(Find("Upgrade101").script);
  EXPECT_TRUE(r.upgraded);
  EXPECT_EQ(r.stats.requests, 1u);
}

TEST(Http1Upgrade, ConnectTunnelStopsParsing) {
  const Result r = RunScript(Find("Connect").script);
  EXPECT_TRUE(r.upgraded);
}

TEST(Http1Upgrade, RefusedUpgradeKeepsHttp) {
  const Result r = RunScript(
      {Req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 1),
       Resp("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 2),
       Req("GET /b HTTP/1.1\r\n\r\n", 3), Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4)});
  EXPECT_FALSE(r.upgraded);
  ASSERT_EQ(r.exchanges.size(), 2u);
  EXPECT_EQ(r.exchanges[1],
            "GET /b HTTP/1.1 {} body=0 '' t=3-3 => 200 HTTP/1.1 {content-length: 0} body=0 '' "
            "t=4-4 [complete]");
}

TEST(Http1Headers, NamesLowerCasedValuesTrimmedEmptyValuesKept) {
  const Result r = RunScript(
      {Req("GET / HTTP/1.1\r\nX-Pad:   v  \t\r\nX-Empty:\r\nHOST: H\r\n\r\n", 1), Close(2)});
  EXPECT_EQ(r.exchanges, (std::vector<std::string>{"GET / HTTP/1.1 {x-pad: v, x-empty: , host: H} "
                                                   "body=0 '' t=1-1 => none [no-response]"}));
}

TEST(Http1Close, EmitsPartialResponseAndPendingRequests) {
  const Result r = RunScript({Req("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 1),
                              Resp("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 2),
                              Req("POST /3 HTTP/1.1\r\nContent-Length: 9\r\n\r\nxy", 3), Close(4)});
  EXPECT_EQ(r.exchanges,
            (std::vector<std::string>{
                "GET /1 HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 10} body=3 "
                "'abc' t=2-2 partial [complete]",
                "GET /2 HTTP/1.1 {} body=0 '' t=1-1 => none [no-response]",
                "POST /3 HTTP/1.1 {content-length: 9} body=2 'xy' t=3-3 partial => none "
                "[no-response]"}));
}

TEST(Http1Close, RequestWithoutCompleteHeadersIsDropped) {
  const Result r = RunScript({Req("GET /1 HTTP/1.1\r\nHost: exa", 1), Close(2)});
  EXPECT_TRUE(r.exchanges.empty());
}

TEST(Http1Close, LaterEventsAreIgnored) {
  const Result r = RunScript({Req("GET /1 HTTP/1.1\r\n\r\n", 1), Close(2),
                              Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3), Close(4)});
  ASSERT_EQ(r.exchanges.size(), 1u);
  EXPECT_EQ(r.exchanges[0], "GET /1 HTTP/1.1 {} body=0 '' t=1-1 => none [no-response]");
}

TEST(Http1Pipelining, ManyOutstandingRequestsPairInOrder) {
  std::string requests;
  std::string responses;
  for (int i = 0; i < 50; ++i) {
    requests += "GET /" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
    responses += "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(std::to_string(i).size()) +
                 "\r\n\r\n" + std::to_string(i);
  }
  const Result r = RunScript({Req(requests, 1), Resp(responses, 2)});
  ASSERT_EQ(r.exchanges.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(r.exchanges[i], "GET /" + n +
                                  " HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 "
                                  "{content-length: " +
                                  std::to_string(n.size()) + "} body=" + std::to_string(n.size()) +
                                  " '" + n + "' t=2-2 [complete]");
  }
}

}  // namespace
}  // namespace apisensor::http1::test
