#include "agent/openapi/service_specs.h"

#include <algorithm>
#include <functional>

#include "agent/openapi/version_order.h"

namespace apisensor::openapi {

std::string_view DeclaredStateName(DeclaredState state) {
  switch (state) {
    case DeclaredState::kDeclared:
      return "declared";
    case DeclaredState::kDeprecated:
      return "deprecated";
    case DeclaredState::kRemoved:
      return "removed";
    case DeclaredState::kUndeclared:
      break;
  }
  return "undeclared";
}

ServiceSpecs::ServiceSpecs(std::vector<std::shared_ptr<const Spec>> specs, LineagePolicy lineage)
    : specs_(std::move(specs)) {
  std::erase(specs_, nullptr);
  auto lineage_of = [lineage](const Spec& spec) -> std::string_view {
    return lineage == LineagePolicy::kByTitle ? std::string_view(spec.title) : std::string_view();
  };
  // Lineage, then newest first, then source: a deterministic order whatever the load order.
  std::stable_sort(specs_.begin(), specs_.end(), [&](const auto& a, const auto& b) {
    if (lineage_of(*a) != lineage_of(*b)) return lineage_of(*a) < lineage_of(*b);
    const int c = CompareVersions(a->version, b->version);
    if (c != 0) return c > 0;
    return a->source < b->source;
  });
  const Spec* latest = nullptr;  // first spec of the current lineage
  for (const auto& spec : specs_) {
    if (latest == nullptr || lineage_of(*latest) != lineage_of(*spec)) latest = spec.get();
    if (CompareVersions(spec->version, latest->version) == 0) current_specs_.push_back(spec.get());
  }
  // Newest first overall, so an older version's template comes from its latest declaration.
  std::vector<const Spec*> older;
  for (const auto& spec : specs_) {
    if (!IsCurrent(*spec)) older.push_back(spec.get());
  }
  std::stable_sort(older.begin(), older.end(), [](const Spec* a, const Spec* b) {
    return CompareVersions(a->version, b->version) > 0;
  });
  for (const Spec* spec : current_specs_) Index(*spec, true);
  for (const Spec* spec : older) Index(*spec, false);
}

void ServiceSpecs::Index(const Spec& spec, bool current) {
  PathIndex& index = current ? current_ : older_;
  for (const Operation& op : spec.operations) {
    bool indexed = false;
    for (const std::string& base_path : op.base_paths) {
      Entry entry{&op, &spec, base_path + op.path};
      const auto id = static_cast<uint32_t>(entries_.size());
      switch (index.Add(op.method, entry.matched_template, id)) {
        case PathIndex::AddResult::kAdded:
          entries_.push_back(std::move(entry));
          indexed = true;
          break;
        case PathIndex::AddResult::kDuplicate:
          ++stats_.duplicate_operations;
          break;
        case PathIndex::AddResult::kInvalid:
          ++stats_.invalid_templates;
          break;
      }
    }
    if (current && indexed) current_operations_.push_back(&op);
  }
}

Classification ServiceSpecs::Classify(std::string_view method, std::string_view path) const {
  Classification out;
  const PathIndex::Match now = current_.Find(method, path);
  PathIndex::Match match = now;
  if (now.value == PathIndex::kNone) match = older_.Find(method, path);
  if (match.value != PathIndex::kNone) {
    const Entry& entry = entries_[match.value];
    out.operation = entry.operation;
    out.spec = entry.spec;
    out.source = entry.spec->source;
    out.template_path = entry.operation->template_path;
    out.matched_template = entry.matched_template;
    out.path_declared = true;
    out.method_declared = true;
    if (now.value != PathIndex::kNone) {
      out.state =
          entry.operation->deprecated ? DeclaredState::kDeprecated : DeclaredState::kDeclared;
    } else {
      out.state = DeclaredState::kRemoved;
    }
    return out;
  }
  // Undeclared: still say which declared path it fell on, the current version's first.
  const PathIndex::Match& path_only = now.path_matched ? now : match;
  if (path_only.path_matched) {
    out.path_declared = true;
    out.template_path = path_only.template_path;
    out.matched_template = path_only.template_path;
  }
  return out;
}

std::vector<std::string> ServiceSpecs::Sources() const {
  std::vector<std::string> out;
  out.reserve(specs_.size());
  for (const auto& spec : specs_) out.push_back(spec->source);
  return out;
}

const Spec* ServiceSpecs::SpecOf(const Operation& operation) const {
  for (const auto& spec : specs_) {
    const std::vector<Operation>& ops = spec->operations;
    const std::less<const Operation*> before;
    if (!ops.empty() && !before(&operation, ops.data()) &&
        before(&operation, ops.data() + ops.size())) {
      return spec.get();
    }
  }
  return nullptr;
}

std::string_view ServiceSpecs::SourceOf(const Operation& operation) const {
  const Spec* spec = SpecOf(operation);
  return spec == nullptr ? std::string_view() : std::string_view(spec->source);
}

bool ServiceSpecs::IsCurrent(const Spec& spec) const {
  return std::find(current_specs_.begin(), current_specs_.end(), &spec) != current_specs_.end();
}

}  // namespace apisensor::openapi
