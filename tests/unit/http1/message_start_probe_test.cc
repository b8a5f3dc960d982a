#include "parsers/http1/message_start_probe.h"

#include <gtest/gtest.h>

#include <string_view>

namespace apisensor::http1 {
namespace {

using Verdict = MessageStartProbe::Verdict;

Verdict FeedAll(MessageStartProbe& p, std::string_view s) {
  return p.Feed({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(MessageStartProbe, AcceptsMethodTokens) {
  for (std::string_view s : {"GET /", "POST /x", "PROPFIND /", "M-SEARCH * HTTP/1.1"}) {
    MessageStartProbe p(/*request_direction=*/true);
    EXPECT_EQ(FeedAll(p, s), Verdict::kMatch) << s;
  }
}

TEST(MessageStartProbe, RejectsNonRequests) {
  for (std::string_view s : {" GET /", "get /", "GET/", "-X ", "\x16\x03\x01", "HTTP/1.1 200",
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ /"}) {
    MessageStartProbe p(true);
    EXPECT_EQ(FeedAll(p, s), Verdict::kNoMatch) << s;
  }
}

TEST(MessageStartProbe, StatusLines) {
  for (std::string_view s : {"HTTP/1.1 200", "HTTP/1.0 404"}) {
    MessageStartProbe p(false);
    EXPECT_EQ(FeedAll(p, s), Verdict::kMatch) << s;
  }
  for (std::string_view s : {"HTTP/2 200", "HTTP/1.2 200", "GET / ", "xHTTP/1.1 "}) {
    MessageStartProbe p(false);
    EXPECT_EQ(FeedAll(p, s), Verdict::kNoMatch) << s;
  }
}

TEST(MessageStartProbe, BuffersSplitStart) {
  MessageStartProbe p(false);
  EXPECT_EQ(FeedAll(p, "HT"), Verdict::kNeedMore);
  EXPECT_EQ(FeedAll(p, "TP/1."), Verdict::kNeedMore);
  EXPECT_EQ(
      std::string_view(reinterpret_cast<const char*>(p.buffered().data()), p.buffered().size()),
      "HTTP/1.");
  EXPECT_EQ(FeedAll(p, "1 200 OK"), Verdict::kMatch);
  EXPECT_EQ(p.buffered().size(), 7u);
}

}  // namespace
}  // namespace apisensor::http1
