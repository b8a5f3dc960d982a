#include "tests/unit/exporters_splunk/hec_test_util.h"

#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "agent/config/yaml_reader.h"
#include "exporters/formats/native_json.h"
#include "exporters/formats/ocsf/ocsf_formatter.h"
#include "exporters/splunk/splunk_hec.h"

namespace apisensor::exporters::splunk::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "hec_test_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(const std::string& name, const std::string& content) const {
  const std::string file = (path_ / name).string();
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

std::unique_ptr<Sink> MakeHecSink(const std::string& yaml) {
  using Node = const YAML::Node&;
  using Where = const std::string&;
  const config::YamlReader r("test.yaml");
  const YAML::Node node = r.Parse(yaml);
  std::unique_ptr<SinkBuilder> builder = MakeSplunkHecSinkBuilder();
  const std::vector<std::string_view> formats = builder->formats();
  std::string format(formats.front());
  std::map<std::string, config::YamlReader::Handler> keys = {
      {"format", [&](Node v, Where w) { format = r.Choice(v, w, formats); }},
  };
  builder->AddKeys(r, keys);
  r.Section(node, "sinks[0]", keys);
  SinkOptions options;
  options.name = "splunk";
  options.type = "splunk_hec";
  // The formatter the format names, as the export config would make it.
  FormatOptions format_options;
  format_options.product_version = "0.1.0";
  format_options.hostname = "node-1";
  std::unique_ptr<Formatter> formatter;
  if (format == "ocsf") {
    formatter = MakeOcsfFormatter(format_options);
  } else {
    formatter = std::make_unique<NativeJsonFormatter>();
  }
  return builder->Build(r, "sinks[0]", options, std::move(formatter));
}

ExportItemPtr MakeFinding(int n) {
  findings::Finding f;
  f.id = "f" + std::to_string(n);
  f.type = "unauthenticated_access";
  f.severity = findings::Severity::kHigh;
  f.owasp = "API2:2023";
  f.title = "Unauthenticated access";
  f.service = "orders";
  f.endpoint = "GET /orders/{id}";
  f.caller = "10.0.0.7";
  f.first_seen_ns = kItemTimeNs;
  f.last_seen_ns = kItemTimeNs + static_cast<uint64_t>(n) * 1'000'000;
  f.evidence = {{"authorization", "fp:3f2a"}};
  return std::make_shared<const ExportItem>(std::move(f));
}

ExportItemPtr MakeExchange(int n) {
  ExchangeSummary s;
  s.time_ns = kItemTimeNs + static_cast<uint64_t>(n) * 1'000'000;
  s.service = "orders";
  s.method = "GET";
  s.path = "/orders/" + std::to_string(n);
  s.protocol = "http/1.1";
  s.has_response = true;
  s.status = 200;
  return std::make_shared<const ExportItem>(std::move(s));
}

bool ProgramMissing(const std::string& program) { return !testing::ProgramExists(program); }

HecReceiver::HecReceiver(const std::vector<std::string>& extra) {
  record_ = (dir_.path() / "record.jsonl").string();
  std::vector<std::string> argv = {
      "/usr/bin/python3", APISENSOR_HEC_RECEIVER, "--token", kToken, "--record", record_};
  argv.insert(argv.end(), extra.begin(), extra.end());
  child_ = std::make_unique<testing::ChildProcess>(argv);
  const std::optional<std::string> line = child_->ReadLine(std::chrono::seconds(10));
  if (!line) throw std::runtime_error("the HEC receiver did not print its port");
  port_ = std::stoi(*line);
}

std::string HecReceiver::url(const std::string& scheme) const {
  return scheme + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<rapidjson::Document> HecReceiver::Records() const {
  std::vector<rapidjson::Document> out;
  std::ifstream in(record_);
  std::string line;
  while (std::getline(in, line)) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("bad record: " + line);
    out.push_back(std::move(doc));
  }
  return out;
}

std::vector<rapidjson::Document> HecReceiver::AcceptedBatches() const {
  std::vector<rapidjson::Document> out;
  for (rapidjson::Document& doc : Records()) {
    if (std::string(doc["kind"].GetString()) == "events" && doc["status"].GetInt() == 200) {
      out.push_back(std::move(doc));
    }
  }
  return out;
}

}  // namespace apisensor::exporters::splunk::test
