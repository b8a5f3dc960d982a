#include "tests/unit/http1/scenarios.h"

namespace apisensor::http1::test {
namespace {

const std::string kOkJson =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
    "{\"ok\":true}";
const std::string kOkJsonDescribed =
    "200 HTTP/1.1 {content-type: application/json, content-length: 11} body=11 '{\"ok\":true}'";

}  // namespace

std::vector<Scenario> CleanScenarios() {
  std::vector<Scenario> s;
  s.push_back({"Get",
               {Req("GET /users?id=7 HTTP/1.1\r\nHost: api.example\r\nUser-Agent: curl/7.88.1\r\n"
                    "Accept: */*\r\n\r\n",
                    10),
                Resp(kOkJson, 20)},
               {"GET /users?id=7 HTTP/1.1 {host: api.example, user-agent: curl/7.88.1, accept: "
                "*/*} body=0 '' t=10-10 => " +
                kOkJsonDescribed + " t=20-20 [complete]"}});
  s.push_back(
      {"PostBodyInSecondChunk",
       {Req("POST /items HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
            "Content-Length: 12\r\n\r\n",
            1),
        Req("{\"name\":\"a\"}", 2), Resp("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 3)},
       {"POST /items HTTP/1.1 {host: h, content-type: application/json, content-length: 12} "
        "body=12 '{\"name\":\"a\"}' t=1-2 => 201 HTTP/1.1 {content-length: 0} body=0 '' t=3-3 "
        "[complete]"}});
  s.push_back(
      {"KeepAlivePutDeleteAnd304",
       {Req("PUT /items/1 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 1),
        Resp("HTTP/1.1 204 No Content\r\n\r\n", 2),
        Req("DELETE /items/1 HTTP/1.1\r\nHost: h\r\n\r\n", 3),
        Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4),
        Req("GET /items HTTP/1.1\r\nIf-None-Match: \"v1\"\r\n\r\n", 5),
        Resp("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n", 6),
        Req("GET /last HTTP/1.1\r\n\r\n", 7), Resp(kOkJson, 8)},
       {"PUT /items/1 HTTP/1.1 {content-length: 5} body=5 'hello' t=1-1 => 204 HTTP/1.1 {} "
        "body=0 '' t=2-2 [complete]",
        "DELETE /items/1 HTTP/1.1 {host: h} body=0 '' t=3-3 => 200 HTTP/1.1 {content-length: 0} "
        "body=0 '' t=4-4 [complete]",
        "GET /items HTTP/1.1 {if-none-match: \"v1\"} body=0 '' t=5-5 => 304 HTTP/1.1 {etag: "
        "\"v1\"} body=0 '' t=6-6 [complete]",
        "GET /last HTTP/1.1 {} body=0 '' t=7-7 => " + kOkJsonDescribed + " t=8-8 [complete]"}});
  s.push_back({"Pipelined",
               {Req("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n", 1),
                Resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\n"
                     "Content-Length: 2\r\n\r\nbbHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nccc",
                     2)},
               {"GET /1 HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 1} body=1 "
                "'a' t=2-2 [complete]",
                "GET /2 HTTP/1.1 {} body=0 '' t=1-1 => 404 HTTP/1.1 {content-length: 2} body=2 "
                "'bb' t=2-2 [complete]",
                "GET /3 HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 3} body=3 "
                "'ccc' t=2-2 [complete]"}});
  s.push_back({"ChunkedWithExtensionsAndTrailers",
               {Req("GET /c HTTP/1.1\r\n\r\n", 1),
                Resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                     "5;name=val\r\nhello\r\n7\r\n, world\r\n",
                     2),
                Resp("0\r\nX-Sum: abc\r\n\r\n", 3)},
               {"GET /c HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {transfer-encoding: chunked, "
                "trailer: X-Sum, x-sum: abc} body=12 'hello, world' t=2-3 [complete]"}});
  s.push_back(
      {"HeadWithContentLength",
       {Req("HEAD /file HTTP/1.1\r\nHost: h\r\n\r\n", 1),
        Resp("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", 2),
        Req("GET /next HTTP/1.1\r\n\r\n", 3), Resp(kOkJson, 4)},
       {"HEAD /file HTTP/1.1 {host: h} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: "
        "1234} body=0 '' t=2-2 [complete]",
        "GET /next HTTP/1.1 {} body=0 '' t=3-3 => " + kOkJsonDescribed + " t=4-4 [complete]"}});
  s.push_back({"ContinueAndEarlyHints",
               {Req("POST /up HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n", 1),
                Resp("HTTP/1.1 100 Continue\r\n\r\n", 2), Req("data", 3),
                Resp("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n", 4),
                Resp("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 5)},
               {"POST /up HTTP/1.1 {content-length: 4, expect: 100-continue} body=4 'data' t=1-3 "
                "=> 200 HTTP/1.1 {content-length: 2} body=2 'ok' t=5-5 [complete]"}});
  s.push_back(
      {"ResponseDelimitedByClose",
       {Req("GET /stream HTTP/1.1\r\n\r\n", 1),
        Resp("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart1", 2), Resp("part2", 3), Close(4)},
       {"GET /stream HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {connection: close} "
        "body=10 'part1part2' t=2-3 [complete]"}});
  s.push_back({"Http10",
               {Req("GET / HTTP/1.0\r\nUser-Agent: w\r\n\r\n", 1),
                Resp("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello", 2), Close(3)},
               {"GET / HTTP/1.0 {user-agent: w} body=0 '' t=1-1 => 200 HTTP/1.0 {content-type: "
                "text/plain} body=5 'hello' t=2-2 [complete]"}});
  s.push_back({"Upgrade101",
               {Req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 1),
                Resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
                     "Upgrade\r\n\r\n\x81\x05hello",
                     2),
                Req("GET /not-http-anymore HTTP/1.1\r\n\r\n", 3), Close(4)},
               {"GET /ws HTTP/1.1 {upgrade: websocket, connection: Upgrade} body=0 '' t=1-1 => "
                "101 HTTP/1.1 {upgrade: websocket, connection: Upgrade} body=0 '' t=2-2 "
                "[complete]"}});
  s.push_back({"Connect",
               {Req("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 1),
                Resp("HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01", 2), Close(3)},
               {"CONNECT example.com:443 HTTP/1.1 {host: example.com:443} body=0 '' t=1-1 => 200 "
                "HTTP/1.1 {} body=0 '' t=2-2 [complete]"}});
  s.push_back(
      {"OrphanResponse",
       {Resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1), Req("GET /a HTTP/1.1\r\n\r\n", 2),
        Resp(kOkJson, 3)},
       {"GET /a HTTP/1.1 {} body=0 '' t=2-2 => " + kOkJsonDescribed + " t=3-3 [complete]"}});
  Limits two_pending;
  two_pending.max_pending_requests = 2;
  s.push_back({"PendingOverflow",
               {Req("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n", 1),
                Resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", 2), Close(3)},
               {"GET /1 HTTP/1.1 {} body=0 '' t=1-1 => none [no-response]",
                "GET /2 HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 1} body=1 "
                "'b' t=2-2 [complete]",
                "GET /3 HTTP/1.1 {} body=0 '' t=1-1 => none [no-response]"},
               two_pending});
  Limits small_sample;
  small_sample.body_sample_bytes = 16;
  std::string big(10000, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  s.push_back({"BodyLargerThanSample",
               {Req("GET /big HTTP/1.1\r\n\r\n", 1),
                Resp("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + big.substr(0, 4000), 2),
                Resp(big.substr(4000), 3)},
               {"GET /big HTTP/1.1 {} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 10000} "
                "body=10000 'abcdefghijklmnop' t=2-3 [complete]"},
               small_sample});
  Limits tight;
  tight.max_headers = 2;
  tight.max_header_bytes = 20;
  tight.max_target_bytes = 8;
  s.push_back({"HeaderCaps",
               {Req("GET /abcdefghijkl HTTP/1.1\r\nHost: example\r\nAccept: text/html\r\n"
                    "X-Long: 123\r\n\r\n",
                    1),
                Resp("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 2\r\n\r\nok", 2)},
               {"GET /abcdefg HTTP/1.1 {host: example, accept: tex} body=0 '' t=1-1 truncated => "
                "200 HTTP/1.1 {a: 1, b: 2} body=2 'ok' t=2-2 truncated [complete]"},
               tight});
  return s;
}

}  // namespace apisensor::http1::test
