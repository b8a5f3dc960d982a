#include "parsers/http1/message_start_probe.h"

#include <string_view>

namespace apisensor::http1 {
namespace {

constexpr std::string_view kStatusLinePrefix = "HTTP/1.";

}  // namespace

MessageStartProbe::Verdict MessageStartProbe::Classify(size_t pos, uint8_t c) const {
  if (request_) {
    if (c == ' ') return pos > 0 ? Verdict::kMatch : Verdict::kNoMatch;
    // '-' admits M-SEARCH, the one registered method that is not all letters.
    const bool token_char = (c >= 'A' && c <= 'Z') || (c == '-' && pos > 0);
    return token_char && pos < kMaxMethodLength ? Verdict::kNeedMore : Verdict::kNoMatch;
  }
  if (pos < kStatusLinePrefix.size()) {
    return c == static_cast<uint8_t>(kStatusLinePrefix[pos]) ? Verdict::kNeedMore
                                                             : Verdict::kNoMatch;
  }
  if (pos == kStatusLinePrefix.size()) {
    return c == '0' || c == '1' ? Verdict::kNeedMore : Verdict::kNoMatch;
  }
  return c == ' ' ? Verdict::kMatch : Verdict::kNoMatch;
}

MessageStartProbe::Verdict MessageStartProbe::Feed(std::span<const uint8_t> bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    const Verdict v = Classify(size_ + i, bytes[i]);
    if (v != Verdict::kNeedMore) return v;
  }
  // Classify() decides by offset kMaxMethodLength at the latest, so this always fits.
  for (uint8_t b : bytes) buffer_[size_++] = b;
  return Verdict::kNeedMore;
}

}  // namespace apisensor::http1
