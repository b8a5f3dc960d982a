// Where what the inventory learns flows next (exporters, the collector stream): each exchange
// once placed, and what changed at each publish. Called on the pipeline thread: a listener must
// only queue, never block on I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "agent/exchange/exchange_record.h"
#include "agent/findings/finding.h"
#include "agent/inventory/inventory.h"
#include "agent/inventory/views.h"

namespace apisensor::inventory {

struct Published {
  const InventoryView& view;
  std::span<const std::shared_ptr<const EndpointView>> changed_endpoints;
  std::span<const std::string> removed_endpoint_ids;
  std::span<const findings::Finding> changed_findings;  // new or updated since the last publish
  uint64_t now_unix_ns = 0;
};

class InventoryListener {
 public:
  virtual ~InventoryListener() = default;
  // Whether OnExchange should be called at all (checked once, at registration).
  virtual bool wants_exchanges() const = 0;
  virtual void OnExchange(const ExchangeRecord& record, const ObservedEndpoint& endpoint) = 0;
  // About once a second, and a last time when the agent stops.
  virtual void OnPublish(const Published& published) = 0;
};

}  // namespace apisensor::inventory
