#include "agent/detectors/detector_config.h"

#include <yaml-cpp/yaml.h>

#include "agent/config/yaml_reader.h"

namespace apisensor::detectors {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

}  // namespace

DetectorOptions ParseDetectorConfig(std::string_view yaml, const std::string& source) {
  const config::YamlReader r(source);
  const YAML::Node root = r.Parse(yaml);
  DetectorOptions o;
  if (root.IsNull()) return o;
  using Node = const YAML::Node&;
  using Where = const std::string&;
  auto seconds = [&](uint64_t& out) {
    return [&r, target = &out](Node n, Where w) {
      *target = r.Number<uint64_t>(n, w, 1, 86400) * kSecond;
    };
  };
  r.Section(
      root, "",
      {{"max_tracked_callers",
        [&](Node n, Where w) { o.max_tracked_callers = r.Number<size_t>(n, w, 1, 1 << 22); }},
       {"unauthenticated_access",
        [&](Node n, Where w) {
          r.Section(n, w,
                    {{"authenticated_share",
                      [&](Node v, Where vw) {
                        o.authenticated_share = r.Number<double>(v, vw, 0.5, 1.0);
                      }},
                     {"baseline_calls",
                      [&](Node v, Where vw) {
                        o.baseline_calls = r.Number<uint64_t>(v, vw, 1, 1'000'000);
                      }},
                     {"privileged_segments", [&](Node v, Where vw) {
                        if (!v.IsSequence()) r.Fail(vw, "must be a list of path segments");
                        o.privileged_segments.clear();
                        for (const auto& segment : v) {
                          o.privileged_segments.push_back(segment.as<std::string>());
                        }
                      }}});
        }},
       {"auth_failure_burst",
        [&](Node n, Where w) {
          r.Section(n, w,
                    {{"failures",
                      [&](Node v, Where vw) {
                        o.auth_failures = r.Number<uint64_t>(v, vw, 2, 1'000'000);
                      }},
                     {"window_s", seconds(o.auth_failure_window_ns)}});
        }},
       {"object_enumeration",
        [&](Node n, Where w) {
          r.Section(n, w,
                    {{"values",
                      [&](Node v, Where vw) {
                        o.enumeration_values = r.Number<size_t>(v, vw, 2, 100'000);
                      }},
                     {"window_s", seconds(o.enumeration_window_ns)},
                     {"success_share", [&](Node v, Where vw) {
                        o.enumeration_success_share = r.Number<double>(v, vw, 0.0, 1.0);
                      }}});
        }},
       {"excessive_data_exposure",
        [&](Node n, Where w) {
          r.Section(n, w,
                    {{"baseline_responses",
                      [&](Node v, Where vw) {
                        o.exposure_baseline_responses = r.Number<uint64_t>(v, vw, 1, 1'000'000);
                      }},
                     {"min_bytes",
                      [&](Node v, Where vw) {
                        o.exposure_min_bytes = r.Number<uint64_t>(v, vw, 1, uint64_t{1} << 40);
                      }},
                     {"size_factor", [&](Node v, Where vw) {
                        o.exposure_size_factor = r.Number<double>(v, vw, 1.5, 1e6);
                      }}});
        }},
       {"rate_anomaly",
        [&](Node n, Where w) {
          r.Section(
              n, w,
              {{"bucket_s", seconds(o.rate_bucket_ns)},
               {"ewma_alpha",
                [&](Node v, Where vw) { o.rate_ewma_alpha = r.Number<double>(v, vw, 0.01, 1.0); }},
               {"warmup_buckets",
                [&](Node v, Where vw) {
                  o.rate_warmup_buckets = r.Number<uint64_t>(v, vw, 1, 10'000);
                }},
               {"z", [&](Node v, Where vw) { o.rate_z = r.Number<double>(v, vw, 1.0, 100.0); }},
               {"min_calls",
                [&](Node v, Where vw) {
                  o.rate_min_calls = r.Number<uint64_t>(v, vw, 1, 100'000'000);
                }},
               {"absolute_cap", [&](Node v, Where vw) {
                  o.rate_absolute_cap = r.Number<uint64_t>(v, vw, 1, 1'000'000'000);
                }}});
        }},
       {"privileged_function_access", [&](Node n, Where w) {
          r.Section(n, w, {{"baseline_calls", [&](Node v, Where vw) {
                              o.privileged_baseline_calls = r.Number<uint64_t>(v, vw, 0, 1'000'000);
                            }}});
        }}});
  return o;
}

DetectorOptions LoadDetectorConfig(const std::string& path) {
  return ParseDetectorConfig(config::ReadConfigFile(path, "the detector config"), path);
}

}  // namespace apisensor::detectors
