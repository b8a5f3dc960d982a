// A destination for findings (and, when asked, exchange summaries): a SIEM, a file, a webhook.
// A sink only formats and sends; queueing, batching, retry with backoff, rate limiting and the
// counting of every drop are the SinkRunner's, the same for all sinks.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "exporters/core/export_item.h"

namespace apisensor::exporters {

enum class Delivery {
  kDelivered,  // the destination took the batch
  kRetry,      // a transient failure (unreachable, 5xx, throttled): send the same batch later
  kRejected,   // the destination refused this batch for good (4xx, malformed): drop it, counted
};

struct DeliveryResult {
  Delivery outcome = Delivery::kDelivered;
  std::string error;  // one sentence when not delivered: logged on each change of state
  // Items the sink's format cannot express, so nothing was sent for them (of a delivered or a
  // rejected batch), and items delivered cut to the destination's size limit. The runner counts
  // them apart from delivered and rejected.
  uint64_t skipped = 0;
  uint64_t truncated = 0;
};

// A batch the destination took, with what the runner counts of it.
inline DeliveryResult Delivered(uint64_t skipped, uint64_t truncated = 0) {
  DeliveryResult result;
  result.skipped = skipped;
  result.truncated = truncated;
  return result;
}

class Sink {
 public:
  virtual ~Sink() = default;
  // Called on the runner's worker thread only, never concurrently. May block on the network,
  // but must return within the sink's own timeouts so shutdown is never held up for long.
  virtual DeliveryResult Deliver(std::span<const ExportItemPtr> items) = 0;
};

}  // namespace apisensor::exporters
