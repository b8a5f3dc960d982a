#ifndef APISENSOR_TESTS_UNIT_REASSEMBLY_RECORDING_SINK_H_
#define APISENSOR_TESTS_UNIT_REASSEMBLY_RECORDING_SINK_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "agent/reassembly/stream.h"

namespace apisensor::reassembly::testing {

// Flattens the callbacks into one symbol per stream position so tests can compare whole
// streams: a byte value 0..255, or kGapSymbol for a position reported inside a gap.
class RecordingSink : public StreamSink {
 public:
  static constexpr int kGapSymbol = -1;

  struct Event {
    bool gap;
    std::string bytes;  // empty for gaps
    uint64_t missing;   // 0 for bytes
    uint64_t ts_ns;
  };

  void OnBytes(std::span<const uint8_t> bytes, uint64_t ts_ns) override {
    events.push_back({false, std::string(bytes.begin(), bytes.end()), 0, ts_ns});
    for (uint8_t b : bytes) symbols.push_back(b);
  }
  void OnGap(uint64_t missing, uint64_t ts_ns) override {
    events.push_back({true, {}, missing, ts_ns});
    symbols.insert(symbols.end(), missing, kGapSymbol);
  }

  // Delivered bytes with '?' standing in for each missing byte; readable in failure output.
  std::string Text() const {
    std::string out;
    for (int s : symbols) out.push_back(s == kGapSymbol ? '?' : static_cast<char>(s));
    return out;
  }

  std::vector<Event> events;
  std::vector<int> symbols;
};

inline std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace apisensor::reassembly::testing

#endif  // APISENSOR_TESTS_UNIT_REASSEMBLY_RECORDING_SINK_H_
