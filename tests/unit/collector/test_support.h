// Small readers of the collector's published state for its tests.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "collector/collector.h"

namespace apisensor::collector::testing {

inline std::shared_ptr<const inventory::EndpointView> FindEndpoint(const Collector& c,
                                                                   const std::string& id) {
  for (const auto& e : c.inventory_board().Latest()->endpoints) {
    if (e->id == id) return e;
  }
  return nullptr;
}

inline uint64_t CounterValue(const Collector& c, const std::string& name) {
  for (const metrics::Counter& counter : c.Counters()) {
    if (counter.name == name) return counter.value;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

inline uint64_t StatusCount(const inventory::EndpointStats& s, uint16_t status) {
  for (const inventory::StatusCount& sc : s.status_codes) {
    if (sc.status == status) return sc.count;
  }
  return 0;
}

// GET /v1/agents as a document; `agent` finds one entry by id (null when missing).
struct AgentsDoc {
  explicit AgentsDoc(const std::string& json) { doc.Parse(json.c_str()); }
  const rapidjson::Value* agent(const std::string& id) const {
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("agents")) return nullptr;
    for (const auto& a : doc["agents"].GetArray()) {
      if (a["agent_id"].GetString() == id) return &a;
    }
    return nullptr;
  }
  rapidjson::Document doc;
};

// A fresh directory that goes away with the object.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/apisensor-collector-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace apisensor::collector::testing
