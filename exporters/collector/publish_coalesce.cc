#include "exporters/collector/publish_coalesce.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace apisensor::exporters {
namespace {

// Replaces the entry of `out` with the same key as each of `in`, or appends it.
template <typename T, typename Key>
void Upsert(std::vector<T>& out, std::vector<T>&& in, Key key) {
  std::unordered_map<std::string, size_t> at;
  at.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) at.emplace(key(out[i]), i);
  for (T& item : in) {
    auto [it, is_new] = at.emplace(key(item), out.size());
    if (is_new) {
      out.push_back(std::move(item));
    } else {
      out[it->second] = std::move(item);
    }
  }
}

}  // namespace

size_t Coalesce(PublishMaterials& older, PublishMaterials&& newer, size_t max_exchanges) {
  older.now_unix_ns = newer.now_unix_ns;
  older.heartbeat = older.heartbeat || newer.heartbeat;

  if (newer.full_snapshot) {
    // The whole inventory as it is now: what older held of it is outdated.
    older.full_snapshot = true;
    older.endpoints = std::move(newer.endpoints);
    older.removed_ids.clear();
  } else {
    if (!newer.removed_ids.empty()) {
      const std::unordered_set<std::string> removed(newer.removed_ids.begin(),
                                                    newer.removed_ids.end());
      std::erase_if(older.endpoints, [&](const auto& e) { return removed.contains(e->id); });
      // A full snapshot names what exists; removals only matter to a delta.
      if (!older.full_snapshot) {
        std::unordered_set<std::string> known(older.removed_ids.begin(), older.removed_ids.end());
        for (std::string& id : newer.removed_ids) {
          if (known.insert(id).second) older.removed_ids.push_back(std::move(id));
        }
      }
    }
    if (!newer.endpoints.empty() && !older.removed_ids.empty()) {
      // Removed, then seen again: the endpoint exists.
      std::unordered_set<std::string> back;
      for (const auto& e : newer.endpoints) back.insert(e->id);
      std::erase_if(older.removed_ids, [&](const std::string& id) { return back.contains(id); });
    }
    Upsert(older.endpoints, std::move(newer.endpoints), [](const auto& e) { return e->id; });
  }
  Upsert(older.services, std::move(newer.services),
         [](const inventory::ServiceView& s) { return s.name; });
  Upsert(older.findings, std::move(newer.findings),
         [](const findings::Finding& f) { return f.id; });

  const size_t room =
      older.exchanges.size() < max_exchanges ? max_exchanges - older.exchanges.size() : 0;
  const size_t fit = std::min(room, newer.exchanges.size());
  older.exchanges.insert(older.exchanges.end(), std::make_move_iterator(newer.exchanges.begin()),
                         std::make_move_iterator(newer.exchanges.begin() + fit));
  return newer.exchanges.size() - fit;
}

}  // namespace apisensor::exporters
