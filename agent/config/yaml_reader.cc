#include "agent/config/yaml_reader.h"

#include <fstream>
#include <stdexcept>

namespace apisensor::config {
namespace {

std::string Join(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

}  // namespace

YAML::Node YamlReader::Parse(std::string_view text) const {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(source_ + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

void YamlReader::Fail(const std::string& where, const std::string& what) const {
  throw std::runtime_error(source_ + ": " + where + " " + what);
}

std::string YamlReader::String(const YAML::Node& node, const std::string& where) const {
  if (!node.IsScalar()) Fail(where, "must be a string");
  return node.as<std::string>();
}

bool YamlReader::Bool(const YAML::Node& node, const std::string& where) const {
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    Fail(where, "must be true or false");
  }
}

std::vector<std::string> YamlReader::StringList(const YAML::Node& node,
                                                const std::string& where) const {
  if (!node.IsSequence()) Fail(where, "must be a list");
  std::vector<std::string> out;
  for (size_t i = 0; i < node.size(); ++i) {
    out.push_back(String(node[i], where + "[" + std::to_string(i) + "]"));
  }
  return out;
}

std::string YamlReader::Choice(const YAML::Node& node, const std::string& where,
                               const std::vector<std::string_view>& choices) const {
  std::string value = String(node, where);
  std::string known;
  for (std::string_view choice : choices) {
    if (value == choice) return value;
    known += (known.empty() ? "" : ", ") + std::string(choice);
  }
  Fail(where, "must be one of " + known);
}

void YamlReader::Section(const YAML::Node& map, const std::string& where,
                         const std::map<std::string, Handler>& handlers) const {
  if (!map.IsMap()) Fail(where.empty() ? "the document" : where, "must be a mapping");
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    auto handler = handlers.find(key);
    if (handler == handlers.end()) {
      std::string known;
      for (const auto& [name, unused] : handlers) known += (known.empty() ? "" : ", ") + name;
      Fail(Join(where, key), "is not a setting (known: " + known + ")");
    }
    handler->second(entry.second, Join(where, key));
  }
}

void YamlReader::Require(const YAML::Node& map, const std::string& where,
                         const std::string& key) const {
  if (!map[key]) Fail(Join(where, key), "is required");
}

std::string ReadConfigFile(const std::string& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + std::string(what) + " " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace apisensor::config
