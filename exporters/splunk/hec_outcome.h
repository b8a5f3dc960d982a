// What a HEC answer means for the batch, as the HEC protocol defines its HTTP statuses and codes:
// delivered, retry later (busy, throttled, server errors) or refused for good (bad token, bad
// index, malformed data), each failure with one sentence telling the user what to do.
#pragma once

#include <string>

#include "exporters/core/sink.h"
#include "exporters/splunk/hec_reply.h"

namespace apisensor::exporters::splunk {

struct HecContext {
  std::string authority;   // "splunk:8088"
  std::string token_file;  // named in token errors (the token itself never is)
  std::string index;       // named in index errors
};

// HEC status codes (Splunk's "Troubleshoot HTTP Event Collector" table).
enum HecCode : int64_t {
  kSuccess = 0,
  kTokenDisabled = 1,
  kTokenRequired = 2,
  kInvalidAuthorization = 3,
  kInvalidToken = 4,
  kNoData = 5,
  kInvalidDataFormat = 6,
  kIncorrectIndex = 7,
  kInternalError = 8,
  kServerBusy = 9,
  kDataChannelMissing = 10,
  kInvalidDataChannel = 11,
  kEventFieldRequired = 12,
  kEventFieldBlank = 13,
  kAckDisabled = 14,
};

// The meaning of the answer to an event POST. 2xx is delivered (whether acknowledgement is still
// to come is the caller's business).
DeliveryResult ClassifyEventReply(int http_status, const HecReply& reply, const HecContext& ctx);

}  // namespace apisensor::exporters::splunk
