// What a HEC answers, read from untrusted bytes: {"text":"Success","code":0,"ackId":7} for an
// event POST, {"acks":{"7":true}} for an acknowledgement query. Any input, however malformed,
// gives a value (fields missing), never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace apisensor::exporters::splunk {

struct HecReply {
  std::optional<int64_t> code;     // HEC status code (0 Success, 9 Server is busy, ...)
  std::string text;                // at most kMaxReplyText printable ASCII bytes
  std::optional<uint64_t> ack_id;  // with indexer acknowledgement on
};

inline constexpr size_t kMaxReplyText = 200;

HecReply ParseHecReply(std::string_view body);

// The status of `ack_id` in an acknowledgement reply: true (indexed), false (not yet, or unknown
// to this channel), nullopt when the reply does not say.
std::optional<bool> ParseAckStatus(std::string_view body, uint64_t ack_id);

// The body of an acknowledgement query for one id: {"acks":[7]}.
std::string AckQuery(uint64_t ack_id);

}  // namespace apisensor::exporters::splunk
