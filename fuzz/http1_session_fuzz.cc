// Drives one http1::Session with an event sequence decoded from the input, and checks that what
// comes out respects the caps. Layout (see README.md):
//   5 bytes of limits, then operations, each one opcode byte followed by its arguments:
//     opcode & 3 == 0/1: data on request/response; 2 bytes little-endian length, that many bytes
//                        (or what is left), fed in pieces of (opcode >> 2) bytes (0: whole).
//     opcode & 3 == 2:   gap; direction (opcode >> 2) & 1, size class (opcode >> 3) & 3, then 8
//                        bytes of size.
//     opcode & 3 == 3:   (opcode >> 2) & 1 ? move the session to a new object : close.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

#include "parsers/http1/http1_session.h"

namespace apisensor::http1 {
namespace {

class Input {
 public:
  explicit Input(std::span<const uint8_t> data) : data_(data) {}
  bool empty() const { return data_.empty(); }
  uint8_t Byte() {
    if (data_.empty()) return 0;
    const uint8_t b = data_[0];
    data_ = data_.subspan(1);
    return b;
  }
  uint64_t Uint(size_t bytes) {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v |= uint64_t{Byte()} << (8 * i);
    return v;
  }
  std::span<const uint8_t> Take(size_t n) {
    n = std::min(n, data_.size());
    auto out = data_.first(n);
    data_ = data_.subspan(n);
    return out;
  }

 private:
  std::span<const uint8_t> data_;
};

void Check(bool ok) {
  if (!ok) std::abort();
}

class CheckingSink : public ExchangeSink {
 public:
  explicit CheckingSink(const Limits& limits) : limits_(limits) {}

  void OnExchange(http::Exchange&& e) override {
    CheckMessage(e.request);
    Check(e.request.target.size() <= limits_.max_target_bytes);
    Check(e.response.has_value() == (e.end == http::ExchangeEnd::kComplete));
    if (e.response) CheckMessage(*e.response);
  }

 private:
  void CheckMessage(const http::Message& m) {
    Check(m.headers.size() <= limits_.max_headers);
    size_t bytes = 0;
    for (const auto& h : m.headers) {
      bytes += h.name.size() + h.value.size();
      for (char c : h.name) Check(c < 'A' || c > 'Z');
    }
    Check(bytes <= limits_.max_header_bytes);
    Check(m.body_sample.size() <= limits_.body_sample_bytes);
    Check(m.body_sample.size() <= m.body_size);
    Check(m.first_byte_ns <= m.last_byte_ns);
  }

  Limits limits_;
};

uint64_t GapSize(uint8_t size_class, uint64_t raw) {
  switch (size_class) {
    case 0:
      return 1 + raw % 16;
    case 1:
      return 1 + raw % 65536;
    case 2:
      return raw % (uint64_t{1} << 48);
    default:
      return raw;
  }
}

}  // namespace
}  // namespace apisensor::http1

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apisensor::http1;
  Input in({data, size});
  Limits limits;
  limits.max_headers = in.Byte() % 70;
  limits.max_header_bytes = size_t{in.Byte()} * 64;
  limits.max_target_bytes = size_t{in.Byte()} * 16;
  limits.body_sample_bytes = size_t{in.Byte()} * 16;
  limits.max_pending_requests = in.Byte() % 130;
  CheckingSink sink(limits);
  std::optional<Session> session(std::in_place, limits, sink);
  uint64_t ts = 1;
  while (!in.empty()) {
    const uint8_t op = in.Byte();
    ++ts;
    switch (op & 3) {
      case 0:
      case 1: {
        const Direction dir = (op & 3) == 0 ? Direction::kRequest : Direction::kResponse;
        auto bytes = in.Take(in.Uint(2));
        const size_t piece = op >> 2;
        while (!bytes.empty()) {
          const size_t n = piece == 0 ? bytes.size() : std::min(piece, bytes.size());
          session->OnData(dir, bytes.first(n), ts);
          bytes = bytes.subspan(n);
        }
        break;
      }
      case 2: {
        const Direction dir = ((op >> 2) & 1) ? Direction::kResponse : Direction::kRequest;
        session->OnGap(dir, GapSize((op >> 3) & 3, in.Uint(8)), ts);
        break;
      }
      default:
        if ((op >> 2) & 1) {
          Session moved(std::move(*session));
          session.emplace(std::move(moved));
        } else {
          session->OnClose(ts);
        }
        break;
    }
    const Stats& st = session->stats();
    Check(st.orphan_responses <= st.responses);
  }
  session->OnClose(ts + 1);
  return 0;
}
