// How a kind of sink enters the export config: it reads its own keys (next to the keys every
// sink shares, see SinkOptions) and then builds the sink, or refuses with one sentence.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/yaml_reader.h"
#include "exporters/core/formatter.h"
#include "exporters/core/sink.h"
#include "exporters/core/sink_options.h"

namespace apisensor::exporters {

class SinkBuilder {
 public:
  virtual ~SinkBuilder() = default;
  // The `format:` values this sink accepts; the first is the default.
  virtual std::vector<std::string_view> formats() const = 0;
  // Adds a handler for each key of its own to `keys`, storing the values in the builder.
  virtual void AddKeys(const config::YamlReader& reader,
                       std::map<std::string, config::YamlReader::Handler>& keys) = 0;
  // Called once every key has been read. `where` names the sink in errors ("sinks[2]"); throws
  // std::runtime_error with one sentence when a required key is missing or the sink cannot be
  // made (unreadable certificate, bad URL).
  virtual std::unique_ptr<Sink> Build(const config::YamlReader& reader, const std::string& where,
                                      const SinkOptions& options,
                                      std::unique_ptr<Formatter> formatter) = 0;
};

struct SinkType {
  std::string_view name;  // the `type:` value
  std::unique_ptr<SinkBuilder> (*make_builder)();
};

}  // namespace apisensor::exporters
