#include "exporters/json/exchange_json.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/socket.h>

#include <string>

#include "agent/secrets/credential_redactor.h"
#include "exporters/json/rfc3339.h"
#include "exporters/json/utf8.h"

namespace apisensor::exporters {
namespace {

constexpr char kToken[] = "raw-token-7f3a9c";

ExchangeRecord SampleRecord() {
  ExchangeRecord r;
  r.ts_unix_ns = 1'795'428'000'123'456'789ULL;  // 2026-11-23T10:00:00.123456789Z
  r.latency_ns = 123;
  r.role = Role::kServer;
  r.tls = false;
  r.process = {1234, "nginx", 5678};
  r.local.family = AF_INET;
  r.local.port = 8080;
  inet_pton(AF_INET, "127.0.0.1", r.local.addr.data());
  r.remote = r.local;
  r.remote.port = 51234;
  http::Request& req = r.http.request;
  req.method = "GET";
  req.target = "/users/42?a=1&b=2&a=3";
  req.headers = {{"host", "localhost:8080"},
                 {"accept", "*/*"},
                 {"authorization", std::string("Bearer ") + kToken}};
  req.body_sample = std::string("password=") + kToken;
  http::Response resp;
  resp.status = 200;
  resp.headers = {
      {"content-type", "Application/JSON; charset=utf-8"}, {"vary", "accept"}, {"vary", "origin"}};
  resp.body_size = 17;
  resp.body_sample = std::string("{\"token\":\"") + kToken + "\"}";
  r.http.response = resp;
  return r;
}

rapidjson::Document Parse(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size() - 1);
  EXPECT_FALSE(d.HasParseError()) << line;
  return d;
}

std::string AppendOne(const ExchangeRecord& r) {
  ExchangeJsonWriter w;
  std::string out;
  w.Append(r, out);
  return out;
}

TEST(ExchangeJsonTest, AuthKindCarrierAndJwtClaimsButNoSecret) {
  ExchangeRecord r = SampleRecord();
  r.auth.kind = secrets::AuthKind::kJwt;
  r.auth.carrier_in = "cookie";
  r.auth.carrier = "id";
  r.auth.jwt = secrets::JwtClaims{"RS256", "https://idp", 1900000000};
  const rapidjson::Document d = Parse(AppendOne(r));
  const auto& a = d["auth"];
  EXPECT_STREQ(a["kind"].GetString(), "jwt");
  EXPECT_STREQ(a["in"].GetString(), "cookie");
  EXPECT_STREQ(a["name"].GetString(), "id");
  EXPECT_STREQ(a["jwt"]["alg"].GetString(), "RS256");
  EXPECT_STREQ(a["jwt"]["iss"].GetString(), "https://idp");
  EXPECT_EQ(a["jwt"]["exp"].GetInt64(), 1900000000);
  r.auth = {};
  const rapidjson::Document none = Parse(AppendOne(r));
  EXPECT_STREQ(none["auth"]["kind"].GetString(), "none");
  EXPECT_FALSE(none["auth"].HasMember("jwt"));
}

TEST(ExchangeJsonTest, AllFieldsInOrder) {
  ExchangeRecord r = SampleRecord();
  secrets::Fingerprinter fp(secrets::Fingerprinter::Key{});
  secrets::CredentialRedactor redactor(fp);
  redactor.Redact(r.http.request);
  const std::string line = AppendOne(r);
  const rapidjson::Document d = Parse(line);

  const char* order[] = {"ts",   "latency_ns", "role",  "protocol", "tls",     "end",      "pid",
                         "comm", "cgroup_id",  "local", "remote",   "request", "response", "auth"};
  size_t i = 0;
  for (auto m = d.MemberBegin(); m != d.MemberEnd(); ++m, ++i) {
    ASSERT_LT(i, std::size(order));
    EXPECT_STREQ(m->name.GetString(), order[i]);
  }
  EXPECT_EQ(i, std::size(order));

  EXPECT_STREQ(d["ts"].GetString(), "2026-11-23T10:00:00.123456789Z");
  EXPECT_EQ(d["latency_ns"].GetUint64(), 123u);
  EXPECT_STREQ(d["role"].GetString(), "server");
  EXPECT_STREQ(d["protocol"].GetString(), "http/1.1");
  EXPECT_FALSE(d["tls"].GetBool());
  EXPECT_STREQ(d["end"].GetString(), "complete");
  EXPECT_EQ(d["pid"].GetUint(), 1234u);
  EXPECT_STREQ(d["comm"].GetString(), "nginx");
  EXPECT_EQ(d["cgroup_id"].GetUint64(), 5678u);
  EXPECT_STREQ(d["local"]["addr"].GetString(), "127.0.0.1");
  EXPECT_EQ(d["local"]["port"].GetUint(), 8080u);
  EXPECT_EQ(d["remote"]["port"].GetUint(), 51234u);

  const auto& req = d["request"];
  EXPECT_STREQ(req["method"].GetString(), "GET");
  EXPECT_STREQ(req["host"].GetString(), "localhost:8080");
  EXPECT_STREQ(req["path"].GetString(), "/users/42");
  ASSERT_EQ(req["query"].Size(), 2u);
  EXPECT_STREQ(req["query"][0].GetString(), "a");
  EXPECT_STREQ(req["query"][1].GetString(), "b");
  EXPECT_STREQ(req["headers"]["accept"].GetString(), "*/*");
  EXPECT_EQ(std::string(req["headers"]["authorization"].GetString()), "Bearer " + fp.Of(kToken));
  EXPECT_EQ(req["body_size"].GetUint64(), 0u);
  EXPECT_FALSE(req.HasMember("content_type"));
  EXPECT_FALSE(req.HasMember("headers_truncated"));
  EXPECT_FALSE(req.HasMember("body_complete"));
  EXPECT_FALSE(req.HasMember("body_sample"));

  const auto& resp = d["response"];
  EXPECT_EQ(resp["status"].GetUint(), 200u);
  EXPECT_EQ(resp["body_size"].GetUint64(), 17u);
  EXPECT_STREQ(resp["content_type"].GetString(), "application/json");
  EXPECT_STREQ(resp["headers"]["vary"].GetString(), "accept, origin");
  EXPECT_EQ(resp["headers"].MemberCount(), 2u);
  EXPECT_FALSE(resp.HasMember("body_sample"));

  // Neither the redacted header nor the never-exported body samples leak the token.
  EXPECT_EQ(line.find(kToken), std::string::npos) << line;
}

TEST(ExchangeJsonTest, HeaderOrderIsFirstSeen) {
  ExchangeRecord r = SampleRecord();
  r.http.request.headers = {{"b", "1"}, {"a", "2"}, {"b", "3"}, {"c", "4"}};
  const rapidjson::Document d = Parse(AppendOne(r));
  const auto& h = d["request"]["headers"];
  auto m = h.MemberBegin();
  EXPECT_STREQ(m->name.GetString(), "b");
  EXPECT_STREQ(m->value.GetString(), "1, 3");
  EXPECT_STREQ((++m)->name.GetString(), "a");
  EXPECT_STREQ((++m)->name.GetString(), "c");
  EXPECT_EQ(++m, h.MemberEnd());
}

TEST(ExchangeJsonTest, NoResponseAndFlags) {
  ExchangeRecord r = SampleRecord();
  r.http.response.reset();
  r.http.end = http::ExchangeEnd::kNoResponse;
  r.http.request.headers_truncated = true;
  r.http.request.body_complete = false;
  r.tls = true;
  r.role = Role::kClient;
  const rapidjson::Document d = Parse(AppendOne(r));
  EXPECT_TRUE(d["response"].IsNull());
  EXPECT_STREQ(d["end"].GetString(), "no_response");
  EXPECT_STREQ(d["role"].GetString(), "client");
  EXPECT_TRUE(d["tls"].GetBool());
  EXPECT_TRUE(d["request"]["headers_truncated"].GetBool());
  EXPECT_FALSE(d["request"]["body_complete"].GetBool());

  r.http.end = http::ExchangeEnd::kResponseLost;
  EXPECT_STREQ(Parse(AppendOne(r))["end"].GetString(), "response_lost");
}

TEST(ExchangeJsonTest, Http2StreamPartialTrailersAndAuthority) {
  ExchangeRecord r = SampleRecord();
  r.protocol = "http/2";
  r.http.stream_id = 7;
  r.http.partial = true;
  r.http.request.headers = {{":authority", "grpc.example:443"}, {":scheme", "https"}};
  r.http.response->trailers = {{"grpc-status", "0"}, {"grpc-message", "ok"}};
  rapidjson::Document d = Parse(AppendOne(r));
  EXPECT_STREQ(d["protocol"].GetString(), "http/2");
  EXPECT_EQ(d["stream_id"].GetUint(), 7u);
  EXPECT_TRUE(d["partial"].GetBool());
  EXPECT_STREQ(d["request"]["host"].GetString(), "grpc.example:443");
  EXPECT_STREQ(d["response"]["trailers"]["grpc-status"].GetString(), "0");
  EXPECT_STREQ(d["response"]["trailers"]["grpc-message"].GetString(), "ok");

  // HTTP/1 lines carry none of these.
  d = Parse(AppendOne(SampleRecord()));
  EXPECT_FALSE(d.HasMember("stream_id"));
  EXPECT_FALSE(d.HasMember("partial"));
  EXPECT_FALSE(d["response"].HasMember("trailers"));
}

TEST(ExchangeJsonTest, GrpcServiceMethodStatusCountsAndShapes) {
  ExchangeRecord r = SampleRecord();
  r.protocol = "grpc";
  r.http.request.target = "/shop.v1.Orders/Get";
  r.http.grpc.emplace();
  r.http.grpc->status = 5;
  r.http.grpc->message = "order not found";
  r.http.grpc->request.count = 1;
  r.http.grpc->request.first = std::string(
      "\x08\x96\x01\x12\x03"
      "ada",
      8);
  r.http.grpc->response.count = 2;
  r.http.grpc->response.compressed = true;
  r.http.grpc->response.first = "\x1f\x8b";  // compressed: no shape
  const rapidjson::Document d = Parse(AppendOne(r));
  const auto& g = d["grpc"];
  EXPECT_STREQ(g["service"].GetString(), "shop.v1.Orders");
  EXPECT_STREQ(g["method"].GetString(), "Get");
  EXPECT_EQ(g["status"].GetInt(), 5);
  EXPECT_STREQ(g["message"].GetString(), "order not found");
  EXPECT_EQ(g["request_messages"].GetUint(), 1u);
  EXPECT_EQ(g["response_messages"].GetUint(), 2u);
  EXPECT_EQ(g["message_count"].GetUint(), 3u);
  EXPECT_TRUE(g["compressed"].GetBool());
  EXPECT_STREQ(g["request_shape"].GetString(), "1:varint 2:string");
  EXPECT_FALSE(g.HasMember("response_shape"));
  EXPECT_EQ(AppendOne(r).find("ada"), std::string::npos);  // values never written

  r.http.grpc->status.reset();
  EXPECT_TRUE(Parse(AppendOne(r))["grpc"]["status"].IsNull());
}

TEST(ExchangeJsonTest, HostFromAbsoluteFormOrAbsent) {
  ExchangeRecord r = SampleRecord();
  r.http.request.headers.clear();
  r.http.request.target = "http://api.example:81/v1/x?k=v";
  rapidjson::Document d = Parse(AppendOne(r));
  EXPECT_STREQ(d["request"]["host"].GetString(), "api.example:81");
  EXPECT_STREQ(d["request"]["path"].GetString(), "/v1/x");
  EXPECT_EQ(d["request"]["headers"].MemberCount(), 0u);

  r.http.request.target = "/only/path";
  d = Parse(AppendOne(r));
  EXPECT_FALSE(d["request"].HasMember("host"));
  EXPECT_EQ(d["request"]["query"].Size(), 0u);

  r.http.request.method = "CONNECT";
  r.http.request.target = "db.internal:5432";
  d = Parse(AppendOne(r));
  EXPECT_STREQ(d["request"]["host"].GetString(), "db.internal:5432");
  EXPECT_STREQ(d["request"]["path"].GetString(), "");
}

TEST(ExchangeJsonTest, Ipv6AndMappedAddresses) {
  ExchangeRecord r = SampleRecord();
  r.local = {};
  r.local.family = AF_INET6;
  r.local.port = 443;
  inet_pton(AF_INET6, "2001:db8::1", r.local.addr.data());
  r.remote = {};
  r.remote.family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:10.0.0.7", r.remote.addr.data());
  const rapidjson::Document d = Parse(AppendOne(r));
  EXPECT_STREQ(d["local"]["addr"].GetString(), "2001:db8::1");
  EXPECT_EQ(d["local"]["port"].GetUint(), 443u);
  EXPECT_STREQ(d["remote"]["addr"].GetString(), "10.0.0.7");
}

TEST(ExchangeJsonTest, InvalidBytesStillProduceValidJson) {
  ExchangeRecord r = SampleRecord();
  r.process.comm = std::string("ng\xffinx\0x", 8);
  r.http.request.headers.push_back({"x-raw", std::string("a\xff\xfe\0\"\\\x01z", 9)});
  r.http.request.headers.push_back({std::string("x-\xc3(", 4), "\xed\xa0\x80"});  // surrogate
  r.http.request.target = "/p\xff?k\xc0=1";
  const std::string line = AppendOne(r);
  const rapidjson::Document d = Parse(line);
  ASSERT_TRUE(d.IsObject());
  const std::string comm(d["comm"].GetString(), d["comm"].GetStringLength());
  EXPECT_EQ(comm, std::string("ng\xEF\xBF\xBDinx\0x", 10));
  const auto& raw = d["request"]["headers"]["x-raw"];
  EXPECT_EQ(std::string(raw.GetString(), raw.GetStringLength()),
            std::string("a\xEF\xBF\xBD\xEF\xBF\xBD\0\"\\\x01z", 13));
  EXPECT_STREQ(d["request"]["path"].GetString(), "/p\xEF\xBF\xBD");
  EXPECT_EQ(line.find('\xff'), std::string::npos);
}

TEST(ExchangeJsonTest, AppendsAndReusesAcrossCalls) {
  ExchangeJsonWriter w;
  std::string out = "previous\n";
  ExchangeRecord a = SampleRecord();
  ExchangeRecord b = SampleRecord();
  b.http.response.reset();
  w.Append(a, out);
  w.Append(b, out);
  ASSERT_TRUE(out.starts_with("previous\n"));
  const size_t first_end = out.find('\n', 9);
  const std::string first = out.substr(9, first_end - 9 + 1);
  const std::string second = out.substr(first_end + 1);
  EXPECT_TRUE(Parse(first)["response"].IsObject());
  EXPECT_TRUE(Parse(second)["response"].IsNull());
  EXPECT_EQ(first, AppendOne(a));
}

// Every length up to a few words, every position of a byte that needs care: what a reader
// decodes is the input with invalid UTF-8 replaced, nothing more or less.
TEST(ExchangeJsonTest, HeaderValuesDecodeToTheirValidUtf8Text) {
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string special =
      std::string("\0\x01\x1f \"\\\x7f\x80\xbf\xc3\xa9\xe2\x82\xac\xf0\x9f\x98", 17);
  ExchangeJsonWriter w;
  std::string scratch;
  for (int round = 0; round < 3000; ++round) {
    std::string value(next() % 40, 'a');
    for (char& c : value) {
      const uint64_t r = next();
      c = r % 4 == 0 ? special[(r >> 8) % special.size()] : static_cast<char>('a' + (r >> 8) % 26);
    }
    ExchangeRecord r = SampleRecord();
    r.http.request.headers = {{"x-v", value}};
    std::string line;
    w.Append(r, line);
    const rapidjson::Document d = Parse(line);
    const auto& got = d["request"]["headers"]["x-v"];
    ASSERT_EQ(std::string(got.GetString(), got.GetStringLength()),
              std::string(ValidUtf8(value, scratch)))
        << "round " << round;
  }
}

TEST(ExchangeJsonTest, BufferedLinesAccumulateUntilCleared) {
  ExchangeJsonWriter w;
  ExchangeRecord r = SampleRecord();
  r.http.request.headers.push_back({"x-pad", std::string(700, 'p')});
  const std::string one = AppendOne(r);
  // Enough lines to grow the buffer several times, with a line through Append() in between,
  // which must leave the buffered ones as they are.
  for (int i = 0; i < 40; ++i) {
    w.AppendBuffered(r);
    if (i == 20) {
      std::string out;
      w.Append(r, out);
      EXPECT_EQ(out, one);
    }
  }
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += one;
  EXPECT_EQ(w.buffered(), expected);
  w.ClearBuffered();
  EXPECT_TRUE(w.buffered().empty());
  w.AppendBuffered(r);
  EXPECT_EQ(w.buffered(), one);
}

TEST(ExchangeJsonTest, WorstCaseEscapingOfLongAndRepeatedHeaders) {
  // Every byte escaped to its longest form, in a value and in repeated names joined into one
  // member: the room each piece reserves must hold it.
  ExchangeRecord r = SampleRecord();
  const std::string controls(5000, '\x01');
  r.http.request.headers.push_back({"x-c", controls});
  r.http.request.headers.push_back({"x-c", std::string(3000, '"')});
  r.http.request.headers.push_back({std::string(2000, '\x1f'), "\xff"});
  const rapidjson::Document d = Parse(AppendOne(r));
  const auto& joined = d["request"]["headers"]["x-c"];
  EXPECT_EQ(std::string(joined.GetString(), joined.GetStringLength()),
            controls + ", " + std::string(3000, '"'));
  EXPECT_STREQ(d["request"]["headers"][std::string(2000, '\x1f').c_str()].GetString(),
               "\xEF\xBF\xBD");
}

std::string Ts(uint64_t ns) {
  char buffer[kRfc3339NanosSize];
  return std::string(FormatRfc3339Nanos(ns, buffer));
}

TEST(Rfc3339Test, Formatting) {
  EXPECT_EQ(Ts(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(Ts(1), "1970-01-01T00:00:00.000000001Z");
  EXPECT_EQ(Ts(946'684'799'000'000'500ULL), "1999-12-31T23:59:59.000000500Z");
  EXPECT_EQ(Ts(951'782'400'050'000'000ULL), "2000-02-29T00:00:00.050000000Z");  // leap day
  EXPECT_EQ(Ts(1'795'428'000'123'456'789ULL), "2026-11-23T10:00:00.123456789Z");
  EXPECT_EQ(Ts(4'102'444'800'999'999'999ULL), "2100-01-01T00:00:00.999999999Z");
  EXPECT_EQ(Ts(UINT64_MAX), "2554-07-21T23:34:33.709551615Z");
}

TEST(Utf8Test, ValidInputIsReturnedUncopied) {
  std::string scratch;
  const std::string_view in = "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80";
  EXPECT_EQ(ValidUtf8(in, scratch).data(), in.data());
  EXPECT_TRUE(scratch.empty());
}

TEST(Utf8Test, InvalidSequencesReplaced) {
  std::string s;
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(ValidUtf8("\xff", s), r);
  EXPECT_EQ(ValidUtf8("a\xc3", s), "a" + r);                            // truncated
  EXPECT_EQ(ValidUtf8("\xc0\xaf", s), r + r);                           // overlong
  EXPECT_EQ(ValidUtf8("\xe0\x80\xaf", s), r + r + r);                   // overlong
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80", s), r + r + r);                   // surrogate
  EXPECT_EQ(ValidUtf8("\xf4\x90\x80\x80", s), r + r + r + r);           // above U+10FFFF
  EXPECT_EQ(ValidUtf8("x\xf4\x8f\xbf\xbfy", s), "x\xf4\x8f\xbf\xbfy");  // U+10FFFF itself
}

}  // namespace
}  // namespace apisensor::exporters
