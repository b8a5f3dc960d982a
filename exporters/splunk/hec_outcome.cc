#include "exporters/splunk/hec_outcome.h"

namespace apisensor::exporters::splunk {
namespace {

// "(HTTP 503, code 9: Server is busy)"
std::string Detail(int http_status, const HecReply& reply) {
  std::string out = "(HTTP " + std::to_string(http_status);
  if (reply.code) out += ", code " + std::to_string(*reply.code);
  if (!reply.text.empty()) out += ": " + reply.text;
  return out + ")";
}

DeliveryResult Retry(std::string sentence) { return {Delivery::kRetry, std::move(sentence)}; }
DeliveryResult Reject(std::string sentence) { return {Delivery::kRejected, std::move(sentence)}; }

}  // namespace

DeliveryResult ClassifyEventReply(int http_status, const HecReply& reply, const HecContext& ctx) {
  const std::string detail = Detail(http_status, reply);
  const std::string splunk = "Splunk HEC at " + ctx.authority;
  if (http_status >= 200 && http_status < 300) return {Delivery::kDelivered, ""};
  if (http_status == 401 || http_status == 403) {
    if (reply.code == kTokenDisabled) {
      return Reject(splunk + " refused the token because it is disabled " + detail +
                    ": enable it in Splunk or put an enabled token in " + ctx.token_file + ".");
    }
    return Reject(splunk + " refused the token " + detail + ": check that " + ctx.token_file +
                  " holds a valid HEC token.");
  }
  if (http_status == 429) {
    return Retry(splunk + " is throttling requests " + detail + ".");
  }
  if (http_status >= 500) {
    if (reply.code == kServerBusy || http_status == 503) {
      return Retry(splunk + " is busy, its indexing queues are full " + detail + ".");
    }
    return Retry(splunk + " failed with a server error " + detail + ".");
  }
  if (http_status == 400) {
    switch (reply.code.value_or(-1)) {
      case kIncorrectIndex:
        return Reject(splunk + " refused the index \"" + ctx.index + "\" " + detail +
                      ": allow it for the token in Splunk or change index.");
      case kDataChannelMissing:
        return Reject(splunk + " wants indexer acknowledgement for this token " + detail +
                      ": set ack: true.");
      case kInvalidDataChannel:
        return Reject(splunk + " refused the acknowledgement channel " + detail + ".");
      default:
        return Reject(splunk + " refused the batch as malformed " + detail + ".");
    }
  }
  if (http_status == 404) {
    return Reject(splunk + " has no event endpoint at this path " + detail +
                  ": check url and that HEC is enabled.");
  }
  if (http_status == 413) {
    return Reject(splunk + " refused a batch larger than its max_content_length " + detail +
                  ": lower batch.");
  }
  return Reject(splunk + " refused the batch " + detail + ".");
}

}  // namespace apisensor::exporters::splunk
