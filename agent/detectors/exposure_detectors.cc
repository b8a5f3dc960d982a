#include "agent/detectors/exposure_detectors.h"

#include <string_view>

#include "agent/detectors/finding_builder.h"
#include "agent/exchange/stable_id.h"

namespace apisensor::detectors {
namespace {

// The raw path's values at the template's parameter positions, joined; "" when the template has
// no parameter or the two do not line up segment by segment.
bool ParameterValues(std::string_view path, std::string_view path_template, std::string& out) {
  out.clear();
  const size_t query = path.find('?');
  if (query != std::string_view::npos) path = path.substr(0, query);
  bool any = false;
  while (!path.empty() || !path_template.empty()) {
    const size_t a = path.find('/');
    const size_t b = path_template.find('/');
    const std::string_view value = path.substr(0, a);
    const std::string_view slot = path_template.substr(0, b);
    if ((a == std::string_view::npos) != (b == std::string_view::npos)) return false;
    if (slot.starts_with('{')) {
      out.append(value);
      out.push_back('/');
      any = true;
    }
    if (a == std::string_view::npos) break;
    path = path.substr(a + 1);
    path_template = path_template.substr(b + 1);
  }
  return any;
}

}  // namespace

void ObjectEnumeration::Inspect(const ExchangeRecord& record,
                                const inventory::ObservedEndpoint& endpoint,
                                findings::FindingSink& sink) {
  if (!record.http.response) return;
  std::string values;
  if (!ParameterValues(record.http.request.target, endpoint.path, values)) return;
  EndpointKey(endpoint, key_);
  key_.push_back(' ');
  key_.append(endpoint.caller);
  auto it = walks_.find(key_);
  if (it == walks_.end()) {
    if (walks_.size() >= options_.max_tracked_callers) {
      // Sweeping closed windows costs a pass over the table: at most once per quarter window,
      // so a flood of new callers against a full table stays cheap.
      if (record.ts_unix_ns >= next_sweep_ns_) {
        next_sweep_ns_ = record.ts_unix_ns + options_.enumeration_window_ns / 4;
        std::erase_if(walks_, [&](const auto& entry) {
          return record.ts_unix_ns - entry.second.start_ns > options_.enumeration_window_ns;
        });
      }
      if (walks_.size() >= options_.max_tracked_callers) {
        ++untracked_;
        return;
      }
    }
    it = walks_.emplace(key_, Walk{}).first;
    it->second.start_ns = record.ts_unix_ns;
  }
  Walk& w = it->second;
  if (record.ts_unix_ns - w.start_ns > options_.enumeration_window_ns) {
    w.start_ns = record.ts_unix_ns;
    w.calls = w.successes = 0;
    w.reported = false;
    w.values.clear();
  }
  ++w.calls;
  if (IsSuccess(record)) ++w.successes;
  if (w.values.size() < options_.enumeration_values) w.values.insert(Fnv1a64(values));
  if (w.reported || w.values.size() < options_.enumeration_values) return;
  // Mostly answered: a scanner hitting 404s is noise; one reading objects is the risk.
  if (static_cast<double>(w.successes) <
      options_.enumeration_success_share * static_cast<double>(w.calls)) {
    return;
  }
  w.reported = true;
  findings::Finding f = StartFinding(
      "object_enumeration", findings::Severity::kHigh, "API1:2023", "Caller walking object ids",
      "One caller requested many distinct objects of one endpoint in a short time and was mostly "
      "answered: check that it is authorised for each object (broken object level "
      "authorization).",
      record, endpoint);
  f.evidence.emplace_back("distinct_values", std::to_string(w.values.size()));
  f.evidence.emplace_back("calls", std::to_string(w.calls));
  f.evidence.emplace_back("answered_2xx", std::to_string(w.successes));
  sink.Report(f);
}

void ExcessiveDataExposure::Inspect(const ExchangeRecord& record,
                                    const inventory::ObservedEndpoint& endpoint,
                                    findings::FindingSink& sink) {
  if (!record.http.response || endpoint.stats == nullptr) return;
  const inventory::DirectionStats& responses = endpoint.stats->response;
  // The baseline is what came before this response, which the stats already include.
  const uint64_t size = record.http.response->body_size;
  const uint64_t earlier = responses.messages - 1;
  if (earlier < options_.exposure_baseline_responses) return;
  const double mean_before =
      static_cast<double>(responses.body_bytes - size) / static_cast<double>(earlier);
  const bool oversized = size >= options_.exposure_min_bytes &&
                         static_cast<double>(size) > options_.exposure_size_factor * mean_before;
  const bool new_kinds = !endpoint.new_response_sensitive.empty();
  if (!oversized && !new_kinds) return;
  findings::Finding f = StartFinding(
      "excessive_data_exposure",
      new_kinds ? findings::Severity::kHigh : findings::Severity::kMedium, "API3:2023",
      new_kinds ? "Sensitive data newly in responses" : "Response far larger than usual",
      new_kinds ? "An endpoint's responses started to carry a kind of sensitive data they did not "
                  "carry before."
                : "A response was many times larger than this endpoint's usual responses: a "
                  "filter or a page size may be missing.",
      record, endpoint);
  f.id =
      findings::FindingId(f.type + (new_kinds ? ":sensitive" : ":size"), f.service, f.endpoint, "");
  if (new_kinds) {
    std::string kinds;
    for (sensitive::Kind kind : endpoint.new_response_sensitive) {
      if (!kinds.empty()) kinds += ",";
      kinds += sensitive::KindName(kind);
    }
    f.evidence.emplace_back("new_sensitive", kinds);
  }
  f.evidence.emplace_back("body_bytes", std::to_string(size));
  f.evidence.emplace_back("usual_body_bytes", std::to_string(static_cast<uint64_t>(mean_before)));
  sink.Report(f);
}

}  // namespace apisensor::detectors
