// The splunk_hec sink's pieces on their own: URL handling, reading HEC replies (including hostile
// ones), what each HEC status means, the event envelope and gzip.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <zlib.h>

#include "exporters/formats/native_json.h"
#include "exporters/splunk/gzip.h"
#include "exporters/splunk/hec_batch.h"
#include "exporters/splunk/hec_outcome.h"
#include "exporters/splunk/hec_reply.h"
#include "exporters/splunk/hec_sink.h"
#include "exporters/splunk/hec_url.h"
#include "tests/unit/exporters_splunk/hec_test_util.h"

namespace apisensor::exporters::splunk {
namespace {

using test::MakeExchange;
using test::MakeFinding;

TEST(HecUrl, AppendsTheEventPathOnlyWhenTheUrlHasNone) {
  std::string error;
  auto url = ParseHecUrl("https://splunk.example.com:8088", error);
  ASSERT_TRUE(url) << error;
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->origin(), "https://splunk.example.com:8088");
  EXPECT_EQ(url->event_path, "/services/collector/event");
  EXPECT_EQ(url->ack_path, "/services/collector/ack");

  url = ParseHecUrl("HTTP://10.0.0.5/", error);
  ASSERT_TRUE(url) << error;
  EXPECT_FALSE(url->tls);
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->event_path, "/services/collector/event");

  url = ParseHecUrl("https://hec.example.com/proxy/services/collector/event/1.0?x=1", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->event_path, "/proxy/services/collector/event/1.0?x=1");
  EXPECT_EQ(url->ack_path, "/proxy/services/collector/ack");

  url = ParseHecUrl("https://[::1]:8088/elsewhere", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->host, "[::1]");
  EXPECT_EQ(url->event_path, "/elsewhere");
  EXPECT_EQ(url->ack_path, "");  // unknown: ack cannot be used with this URL
}

TEST(HecUrl, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad :
       {"splunk:8088", "ftp://splunk:8088", "https://", "https://:8088", "https://splunk:0",
        "https://splunk:65536", "https://splunk:80x", "https://user:pw@splunk:8088", "https://[::1",
        "https://[::1]x", "https://spl unk:8088", "https://fe80::1:8088"}) {
    std::string error;
    EXPECT_FALSE(ParseHecUrl(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(HecReply, ReadsSuccessBusyAndAckIds) {
  HecReply reply = ParseHecReply(R"({"text":"Success","code":0,"ackId":42})");
  EXPECT_EQ(reply.code, 0);
  EXPECT_EQ(reply.text, "Success");
  EXPECT_EQ(reply.ack_id, 42u);

  reply = ParseHecReply("{\"text\":\"Server is busy\",\"code\":9}\n");
  EXPECT_EQ(reply.code, 9);
  EXPECT_FALSE(reply.ack_id);

  EXPECT_EQ(ParseAckStatus(R"({"acks":{"3":true,"4":false}})", 3), true);
  EXPECT_EQ(ParseAckStatus(R"({"acks":{"3":true,"4":false}})", 4), false);
  EXPECT_EQ(ParseAckStatus(R"({"acks":{"3":true}})", 5), std::nullopt);
  EXPECT_EQ(AckQuery(7), R"({"acks":[7]})");
}

TEST(HecReply, HostileRepliesGiveEmptyFieldsNotCrashes) {
  const std::string deep(100'000, '[');
  for (const std::string& body :
       {std::string(""), std::string("<html>busy</html>"), std::string("[1,2]"), deep,
        std::string(R"({"code":"9","text":7,"ackId":-1})"),
        std::string(R"({"code":1e400,"ackId":1.5})"), std::string("{\"text\":\"a\\u0000b\"")}) {
    const HecReply reply = ParseHecReply(body);
    EXPECT_FALSE(reply.code) << body.substr(0, 40);
    EXPECT_FALSE(reply.ack_id) << body.substr(0, 40);
    EXPECT_EQ(ParseAckStatus(body, 0), std::nullopt);
  }
  // Text for logs: printable and bounded, whatever the server sent.
  const HecReply noisy =
      ParseHecReply("{\"text\":\"line\\nbreak\\u001b[31m" + std::string(500, 'x') + "\"}");
  EXPECT_EQ(noisy.text.size(), kMaxReplyText);
  EXPECT_EQ(noisy.text.find('\n'), std::string::npos);
  EXPECT_EQ(noisy.text.find('\x1b'), std::string::npos);
}

TEST(HecOutcome, FollowsTheHecStatusTable) {
  const HecContext ctx{"splunk:8088", "/etc/apisensor/hec.token", "security"};
  auto classify = [&](int status, const char* body) {
    return ClassifyEventReply(status, ParseHecReply(body), ctx);
  };
  EXPECT_EQ(classify(200, R"({"text":"Success","code":0})").outcome, Delivery::kDelivered);
  for (auto [status, body] : std::vector<std::pair<int, const char*>>{
           {503, R"({"text":"Server is busy","code":9})"},
           {503, R"({"text":"HEC is unhealthy, queues are full","code":18})"},
           {500, R"({"text":"Internal server error","code":8})"},
           {502, "<html>bad gateway</html>"},
           {429, ""}}) {
    const DeliveryResult r = classify(status, body);
    EXPECT_EQ(r.outcome, Delivery::kRetry) << status;
    EXPECT_NE(r.error.find("splunk:8088"), std::string::npos) << r.error;
  }
  EXPECT_NE(classify(503, R"({"text":"Server is busy","code":9})").error.find("busy"),
            std::string::npos);
  for (auto [status, body] : std::vector<std::pair<int, const char*>>{
           {401, R"({"text":"Token is required","code":2})"},
           {401, R"({"text":"Invalid authorization","code":3})"},
           {403, R"({"text":"Invalid token","code":4})"},
           {403, R"({"text":"Token disabled","code":1})"}}) {
    const DeliveryResult r = classify(status, body);
    EXPECT_EQ(r.outcome, Delivery::kRejected) << body;
    EXPECT_NE(r.error.find("/etc/apisensor/hec.token"), std::string::npos) << r.error;
  }
  EXPECT_NE(classify(403, R"({"text":"Token disabled","code":1})").error.find("disabled"),
            std::string::npos);
  const DeliveryResult index = classify(400, R"({"text":"Incorrect index","code":7})");
  EXPECT_EQ(index.outcome, Delivery::kRejected);
  EXPECT_NE(index.error.find("\"security\""), std::string::npos) << index.error;
  const DeliveryResult channel = classify(400, R"({"text":"Data channel is missing","code":10})");
  EXPECT_NE(channel.error.find("set ack: true"), std::string::npos) << channel.error;
  for (const char* body : {R"({"text":"Invalid data format","code":6})",
                           R"({"text":"Event field is required","code":12})", "{}"}) {
    EXPECT_EQ(classify(400, body).outcome, Delivery::kRejected) << body;
  }
  EXPECT_EQ(classify(413, "").outcome, Delivery::kRejected);
  EXPECT_EQ(classify(404, "").outcome, Delivery::kRejected);
}

TEST(HecBatch, WritesOneEnvelopePerItemAroundTheFormattersEvent) {
  NativeJsonFormatter formatter;
  HecMetadata metadata;
  metadata.host = "node-1";
  metadata.index = "security";
  std::vector<ExportItemPtr> items = {MakeFinding(1), MakeExchange(2)};
  std::string body;
  ASSERT_EQ(WriteHecBatch(items, formatter, metadata, body), 2u);

  rapidjson::Document doc;
  size_t offset = 0;
  std::vector<std::string> sourcetypes;
  std::vector<std::string> kinds;
  std::vector<std::string> times;
  while (offset < body.size()) {
    const size_t end = body.find('\n', offset);
    ASSERT_NE(end, std::string::npos);
    const std::string line = body.substr(offset, end - offset);
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << line;
    EXPECT_STREQ(doc["host"].GetString(), "node-1");
    EXPECT_STREQ(doc["source"].GetString(), "apisensor");
    EXPECT_STREQ(doc["index"].GetString(), "security");
    sourcetypes.push_back(doc["sourcetype"].GetString());
    kinds.push_back(doc["event"]["kind"].GetString());
    // The time as written: seconds, a dot, three digits of milliseconds.
    const size_t t = line.find("\"time\":") + 7;
    times.push_back(line.substr(t, line.find(',', t) - t));
    offset = end + 1;
  }
  EXPECT_EQ(sourcetypes, (std::vector<std::string>{"apisensor:finding", "apisensor:exchange"}));
  EXPECT_EQ(kinds, (std::vector<std::string>{"finding", "exchange"}));
  EXPECT_EQ(times, (std::vector<std::string>{"1700000000.124", "1700000000.125"}));

  metadata.ocsf = true;
  metadata.index.clear();
  ASSERT_EQ(WriteHecBatch(items, formatter, metadata, body), 2u);
  EXPECT_EQ(body.find("\"index\""), std::string::npos);
  EXPECT_EQ(body.find("apisensor:finding"), std::string::npos);
  EXPECT_NE(body.find("\"sourcetype\":\"apisensor:ocsf\""), std::string::npos);
}

TEST(HecBatch, SkipsWhatTheFormatCannotExpress) {
  class FindingsOnly final : public Formatter {
   public:
    bool Format(const ExportItem& item, std::string& out) override {
      if (!std::holds_alternative<findings::Finding>(item)) return false;
      out += "{}";
      return true;
    }
  } formatter;
  std::vector<ExportItemPtr> items = {MakeExchange(1), MakeFinding(2), MakeExchange(3)};
  std::string body;
  EXPECT_EQ(WriteHecBatch(items, formatter, HecMetadata{}, body), 1u);
  EXPECT_NE(body.find("apisensor:finding"), std::string::npos);
}

TEST(Gzip, RoundTripsThroughZlib) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += R"({"event":{"n":)" + std::to_string(i) + "}}";
  std::string packed;
  ASSERT_TRUE(Gzip(text, packed));
  EXPECT_LT(packed.size(), text.size() / 4);
  ASSERT_GE(packed.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // gzip magic, not a zlib header
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);

  z_stream z{};
  ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string unpacked(text.size() + 16, '\0');
  z.next_in = reinterpret_cast<Bytef*>(packed.data());
  z.avail_in = static_cast<uInt>(packed.size());
  z.next_out = reinterpret_cast<Bytef*>(unpacked.data());
  z.avail_out = static_cast<uInt>(unpacked.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  unpacked.resize(z.total_out);
  inflateEnd(&z);
  EXPECT_EQ(unpacked, text);
}

TEST(HecSink, ChannelsAreRandomVersion4Uuids) {
  const std::string a = RandomUuid();
  const std::string b = RandomUuid();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

}  // namespace
}  // namespace apisensor::exporters::splunk
