// Drives an http1::Session from a script of connection events and renders what it emits as
// text, so tests state the exact expected exchanges in one readable line each.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/http1/http1_session.h"

namespace apisensor::http1::test {

struct Op {
  enum class Kind : uint8_t { kData, kGap, kClose };
  Kind kind = Kind::kData;
  Direction dir = Direction::kRequest;
  std::string bytes;     // kData
  uint64_t missing = 0;  // kGap
  uint64_t ts = 0;
};

inline Op Req(std::string_view bytes, uint64_t ts) {
  return {Op::Kind::kData, Direction::kRequest, std::string(bytes), 0, ts};
}
inline Op Resp(std::string_view bytes, uint64_t ts) {
  return {Op::Kind::kData, Direction::kResponse, std::string(bytes), 0, ts};
}
inline Op Gap(Direction dir, uint64_t missing, uint64_t ts) {
  return {Op::Kind::kGap, dir, {}, missing, ts};
}
inline Op Close(uint64_t ts) { return {Op::Kind::kClose, Direction::kRequest, {}, 0, ts}; }

using Script = std::vector<Op>;

// One line per exchange, e.g.
//   GET /a HTTP/1.1 {host: x} body=0 '' t=1-1 => 200 HTTP/1.1 {content-length: 2} body=2 'hi'
//   t=2-2 [complete]
// "partial" marks body_complete == false, "truncated" marks headers_truncated.
std::string Describe(const http::Exchange& exchange);

class Recorder : public ExchangeSink {
 public:
  void OnExchange(http::Exchange&& exchange) override { lines.push_back(Describe(exchange)); }
  std::vector<std::string> lines;
};

struct Result {
  std::vector<std::string> exchanges;
  Stats stats;
  bool upgraded = false;
};

// Feeds each data op in pieces: op `split_op` is cut at `split_at` (when in range); with
// `byte_by_byte` every data op goes one byte per OnData call.
Result RunScript(const Script& script, const Limits& limits = {}, size_t split_op = SIZE_MAX,
                 size_t split_at = 0, bool byte_by_byte = false);

}  // namespace apisensor::http1::test
