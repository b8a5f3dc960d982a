#include "exporters/file/file_sink_builder.h"

#include <stdexcept>

#include "exporters/file/file_sink.h"

namespace apisensor::exporters {
namespace {

using config::YamlReader;
using Node = const YAML::Node&;
using Where = const std::string&;

class FileSinkBuilder final : public SinkBuilder {
 public:
  std::vector<std::string_view> formats() const override { return {"json", "ocsf"}; }

  void AddKeys(const YamlReader& r, std::map<std::string, YamlReader::Handler>& keys) override {
    keys["path"] = [&](Node v, Where w) {
      options_.path = r.String(v, w);
      if (!options_.path.starts_with('/')) r.Fail(w, "must be an absolute path");
      if (options_.path.ends_with('/')) r.Fail(w, "must name a file, not a directory");
      has_path_ = true;
    };
    keys["max_bytes"] = [&](Node v, Where w) {
      options_.max_bytes = r.Number<uint64_t>(v, w, 4096, 1ULL << 40);
    };
    keys["keep"] = [&](Node v, Where w) { options_.keep = r.Number<uint32_t>(v, w, 0, 1000); };
    keys["fsync"] = [&](Node v, Where w) { options_.fsync = r.Bool(v, w); };
  }

  std::unique_ptr<Sink> Build(const YamlReader& r, const std::string& where, const SinkOptions&,
                              std::unique_ptr<Formatter> formatter) override {
    if (!has_path_) r.Fail(where + ".path", "is required");
    try {
      return std::make_unique<FileSink>(options_, std::move(formatter));
    } catch (const std::runtime_error& e) {
      r.Fail(where + ".path", "is not usable: " + std::string(e.what()));
    }
  }

 private:
  FileSinkOptions options_;
  bool has_path_ = false;
};

}  // namespace

std::unique_ptr<SinkBuilder> MakeFileSinkBuilder() { return std::make_unique<FileSinkBuilder>(); }

}  // namespace apisensor::exporters
