#include "exporters/config/export_config.h"

#include <set>

#include "agent/config/yaml_reader.h"
#include "exporters/formats/formats.h"

namespace apisensor::exporters {
namespace {

using config::YamlReader;
using Node = const YAML::Node&;
using Where = const std::string&;

constexpr uint64_t kSecondNs = 1'000'000'000;

std::vector<std::string_view> SeverityNames() {
  return {"info", "low", "medium", "high", "critical"};
}

findings::Severity SeverityFromName(const std::string& name) {
  const auto names = SeverityNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<findings::Severity>(i);
  }
  return findings::Severity::kInfo;
}

const SinkType* FindType(std::string_view name) {
  for (const SinkType& type : SinkTypes()) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

std::unique_ptr<SinkRunner> ParseSink(const YamlReader& r, Node node, const std::string& where,
                                      const FormatOptions& shared_format) {
  if (!node.IsMap()) r.Fail(where, "must be a mapping");
  r.Require(node, where, "type");
  std::vector<std::string_view> type_names;
  for (const SinkType& type : SinkTypes()) type_names.push_back(type.name);
  const std::string type_name = r.Choice(node["type"], where + ".type", type_names);
  const SinkType* type = FindType(type_name);
  std::unique_ptr<SinkBuilder> builder = type->make_builder();

  SinkOptions o;
  o.type = type_name;
  o.name = type_name;
  FormatOptions format = shared_format;
  const std::vector<std::string_view> formats = builder->formats();
  std::string format_name(formats.front());

  std::map<std::string, YamlReader::Handler> keys = {
      {"type", [](Node, Where) {}},
      {"name", [&](Node v, Where w) { o.name = r.String(v, w); }},
      {"format", [&](Node v, Where w) { format_name = r.Choice(v, w, formats); }},
      {"findings",
       [&](Node v, Where w) {
         if (v.IsScalar()) {
           o.findings = r.Bool(v, w);
           return;
         }
         r.Section(v, w,
                   {{"types",
                     [&](Node t, Where tw) {
                       for (std::string& name : r.StringList(t, tw)) {
                         o.finding_types.insert(std::move(name));
                       }
                     }},
                    {"min_severity", [&](Node s, Where sw) {
                       o.min_severity = SeverityFromName(r.Choice(s, sw, SeverityNames()));
                     }}});
       }},
      {"exchanges", [&](Node v, Where w) { o.exchanges = r.Bool(v, w); }},
      {"queue", [&](Node v, Where w) { o.queue_capacity = r.Number<size_t>(v, w, 1, 10'000'000); }},
      {"batch", [&](Node v, Where w) { o.max_batch = r.Number<size_t>(v, w, 1, 100'000); }},
      {"batch_wait_ms",
       [&](Node v, Where w) { o.batch_wait_ms = r.Number<uint64_t>(v, w, 0, 600'000); }},
      {"backoff",
       [&](Node v, Where w) {
         r.Section(v, w,
                   {{"initial_ms",
                     [&](Node b, Where bw) {
                       o.backoff_initial_ms = r.Number<uint64_t>(b, bw, 1, 3'600'000);
                     }},
                    {"max_ms", [&](Node b, Where bw) {
                       o.backoff_max_ms = r.Number<uint64_t>(b, bw, 1, 86'400'000);
                     }}});
       }},
      {"rate_limit_per_s",
       [&](Node v, Where w) { o.rate_limit_per_s = r.Number<double>(v, w, 0, 1e9); }},
      {"drain_timeout_ms",
       [&](Node v, Where w) { o.drain_timeout_ms = r.Number<uint64_t>(v, w, 0, 600'000); }},
      {"ocsf_exchange_class",
       [&](Node v, Where w) {
         format.ocsf_exchange_class = r.Choice(v, w, {"api_activity", "http_activity"});
       }},
  };
  builder->AddKeys(r, keys);
  r.Section(node, where, keys);
  if (o.backoff_max_ms < o.backoff_initial_ms) {
    r.Fail(where + ".backoff.max_ms", "must not be below initial_ms");
  }
  std::unique_ptr<Formatter> formatter = MakeFormatter(format_name, format);
  if (formatter == nullptr) {
    r.Fail(where + ".format", "names a format this build does not have: " + format_name);
  }
  std::unique_ptr<Sink> sink = builder->Build(r, where, o, std::move(formatter));
  return std::make_unique<SinkRunner>(std::move(o), std::move(sink));
}

}  // namespace

ExportConfig ParseExportConfig(std::string_view yaml, const std::string& source,
                               const FormatOptions& format) {
  const YamlReader r(source);
  const YAML::Node root = r.Parse(yaml);
  ExportConfig out;
  if (root.IsNull()) return out;
  std::set<std::string> names;
  r.Section(root, "",
            {{"finding_update_interval_s",
              [&](Node v, Where w) {
                out.hub.finding_update_interval_ns =
                    r.Number<uint64_t>(v, w, 0, 86'400 * 7) * kSecondNs;
              }},
             {"sinks", [&](Node v, Where w) {
                if (!v.IsSequence()) r.Fail(w, "must be a list");
                for (size_t i = 0; i < v.size(); ++i) {
                  const std::string where = w + "[" + std::to_string(i) + "]";
                  std::unique_ptr<SinkRunner> runner = ParseSink(r, v[i], where, format);
                  if (!names.insert(runner->options().name).second) {
                    r.Fail(where + ".name", "repeats the name " + runner->options().name +
                                                ": give each sink its own");
                  }
                  out.sinks.push_back(std::move(runner));
                }
              }}});
  return out;
}

ExportConfig LoadExportConfig(const std::string& path, const FormatOptions& format) {
  return ParseExportConfig(config::ReadConfigFile(path, "the export config"), path, format);
}

}  // namespace apisensor::exporters
