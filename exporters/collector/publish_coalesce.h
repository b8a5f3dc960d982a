// When the encoder falls behind (starved of CPU, or a burst of publishes), the pipeline folds a
// new publish into the last one still waiting instead of dropping it: endpoints, services and
// findings are totals, so the newest of each stands for both, and the collector loses nothing
// but the exchange summaries beyond the cap.
#pragma once

#include <cstddef>

#include "exporters/collector/batch_encoder.h"

namespace apisensor::exporters {

// Makes `older` what one publish covering both would have handed over: the latest version of
// every endpoint, service and finding, removals not undone by `newer`, a full snapshot if either
// was one, the heartbeat if either had it, and the exchanges of both up to `max_exchanges`.
// Returns how many of newer's exchanges did not fit.
size_t Coalesce(PublishMaterials& older, PublishMaterials&& newer, size_t max_exchanges);

}  // namespace apisensor::exporters
