#include "agent/detectors/caller_detectors.h"

#include "agent/detectors/finding_builder.h"

namespace apisensor::detectors {

void AuthFailureBurst::Inspect(const ExchangeRecord& record,
                               const inventory::ObservedEndpoint& endpoint,
                               findings::FindingSink& sink) {
  if (!record.http.response) return;
  const uint16_t status = record.http.response->status;
  if (status != 401 && status != 403) return;
  key_.assign(endpoint.service);
  key_.push_back(' ');
  key_.append(endpoint.caller);
  auto it = windows_.find(key_);
  if (it == windows_.end()) {
    if (windows_.size() >= options_.max_tracked_callers) {
      // Forget windows that have closed before refusing a newcomer.
      // Sweeping closed windows costs a pass over the table: at most once per quarter window,
      // so a flood of new callers against a full table stays cheap.
      if (record.ts_unix_ns >= next_sweep_ns_) {
        next_sweep_ns_ = record.ts_unix_ns + options_.auth_failure_window_ns / 4;
        std::erase_if(windows_, [&](const auto& entry) {
          return record.ts_unix_ns - entry.second.start_ns > options_.auth_failure_window_ns;
        });
      }
      if (windows_.size() >= options_.max_tracked_callers) {
        ++untracked_;
        return;
      }
    }
    it = windows_.emplace(key_, Window{record.ts_unix_ns, 0}).first;
  }
  Window& w = it->second;
  if (record.ts_unix_ns - w.start_ns > options_.auth_failure_window_ns) {
    w = Window{record.ts_unix_ns, 0};
  }
  ++w.failures;
  // Report when the threshold is crossed, then once per further threshold's worth: the finding's
  // count says how long the burst went on without one report per failure.
  if (w.failures < options_.auth_failures || w.failures % options_.auth_failures != 0) return;
  findings::Finding f = StartFinding(
      "auth_failure_burst", findings::Severity::kHigh, "API2:2023", "Burst of refused credentials",
      "One caller collected many 401/403 answers in a short time: credential stuffing or token "
      "guessing.",
      record, endpoint);
  // One finding per caller and service, whichever endpoints the burst touched.
  f.endpoint = "*";
  f.id = findings::FindingId(f.type, f.service, f.endpoint, f.caller);
  f.evidence.emplace_back("failures_in_window", std::to_string(w.failures));
  f.evidence.emplace_back("window_s",
                          std::to_string(options_.auth_failure_window_ns / 1'000'000'000));
  sink.Report(f);
}

void NewExternalApi::Inspect(const ExchangeRecord& record,
                             const inventory::ObservedEndpoint& endpoint,
                             findings::FindingSink& sink) {
  if (endpoint.kind != inventory::ServiceKind::kExternal) return;
  key_.assign(endpoint.caller);
  key_.push_back(' ');
  key_.append(endpoint.service);
  if (seen_.contains(key_)) return;
  if (seen_.size() >= options_.max_tracked_callers) {
    ++untracked_;
    return;
  }
  seen_.insert(key_);
  findings::Finding f = StartFinding(
      "new_external_api", findings::Severity::kLow, "API10:2023", "New external API called",
      "A process called an external API host for the first time: check that this third-party "
      "dependency is expected and that what it is sent may leave.",
      record, endpoint);
  f.endpoint = "*";
  f.id = findings::FindingId(f.type, f.service, f.endpoint, f.caller);
  f.evidence.emplace_back("host", endpoint.service);
  sink.Report(f);
}

}  // namespace apisensor::detectors
