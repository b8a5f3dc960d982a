// Fuzzes one HTTP/2 connection: the input is a series of operations, each one byte of opcode
// (bit 0: direction, bits 1-2: 0-2 data, 3 gap) and, for data, one byte of length followed by
// that many bytes (fewer at the end of the input). Every emitted exchange is checked against the
// caps; a crash, leak, sanitizer report or a broken cap is a finding.
#include <cstddef>
#include <cstdint>
#include <span>

#include "parsers/http2/http2_session.h"

namespace {

using apisensor::http2::Direction;
using apisensor::http2::Limits;
using apisensor::http2::Session;

Limits SmallLimits() {
  Limits limits;
  limits.max_headers = 8;
  limits.max_header_bytes = 256;
  limits.max_header_block_bytes = 512;
  limits.max_target_bytes = 32;
  limits.body_sample_bytes = 16;
  limits.max_open_streams = 4;
  return limits;
}

class CheckingSink : public apisensor::http::ExchangeSink {
 public:
  explicit CheckingSink(const Limits& limits) : limits_(limits) {}
  void OnExchange(apisensor::http::Exchange&& e) override {
    const auto check = [this](const apisensor::http::Message& m) {
      if (m.headers.size() > limits_.max_headers) __builtin_trap();
      if (m.body_sample.size() > limits_.body_sample_bytes) __builtin_trap();
      if (m.body_sample.size() > m.body_size) __builtin_trap();
    };
    check(e.request);
    if (e.request.target.size() > limits_.max_target_bytes) __builtin_trap();
    if (e.response) check(*e.response);
  }

 private:
  Limits limits_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Limits limits = SmallLimits();
  CheckingSink sink(limits);
  Session session(limits, sink);
  size_t i = 0;
  uint64_t ts = 1;
  while (i < size) {
    const uint8_t op = data[i++];
    const Direction dir = (op & 1) ? Direction::kServer : Direction::kClient;
    if (((op >> 1) & 3) == 3) {
      session.OnGap(dir, (op >> 3) + 1, ts++);
      continue;
    }
    if (i >= size) break;
    size_t n = data[i++];
    if (n > size - i) n = size - i;
    session.OnData(dir, std::span<const uint8_t>(data + i, n), ts++);
    i += n;
  }
  session.OnClose(ts);
  return 0;
}
