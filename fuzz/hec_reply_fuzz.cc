// Fuzzes what the splunk_hec sink reads from a HEC (or whatever answers at its URL): event POST
// replies and acknowledgement replies. A hostile or broken server must never crash the agent, and
// the text it sends must reach logs printable and bounded.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exporters/splunk/hec_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const apisensor::exporters::splunk::HecReply reply =
      apisensor::exporters::splunk::ParseHecReply(body);
  if (reply.text.size() > apisensor::exporters::splunk::kMaxReplyText) __builtin_trap();
  for (char c : reply.text) {
    if (c < 0x20 || c > 0x7e) __builtin_trap();
  }
  for (uint64_t id : {uint64_t{0}, uint64_t{1}, reply.ack_id.value_or(7)}) {
    (void)apisensor::exporters::splunk::ParseAckStatus(body, id);
  }
  return 0;
}
