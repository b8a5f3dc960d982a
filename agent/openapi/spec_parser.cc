#include "agent/openapi/spec_parser.h"

#include <algorithm>
#include <optional>

#include "agent/openapi/path_index.h"
#include "agent/openapi/path_template.h"
#include "agent/openapi/read_context.h"
#include "agent/openapi/security_reader.h"
#include "agent/openapi/server_url.h"
#include "agent/openapi/spec_outline.h"

namespace apisensor::openapi {
namespace {

using NodeId = YamlTree::NodeId;
constexpr NodeId kNoNode = YamlTree::kNoNode;

std::string UpperCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// "3.0", "3.0.3", "3.1.0-rc1" for major.minor "3.0".
bool HasMajorMinor(std::string_view version, std::string_view major_minor) {
  if (!version.starts_with(major_minor)) return false;
  return version.size() == major_minor.size() || version[major_minor.size()] == '.' ||
         version[major_minor.size()] == '-';
}

std::string Clip(std::string_view text) { return std::string(text.substr(0, 64)); }

void AddUnique(std::vector<std::string>& names, std::string_view name) {
  if (name.empty()) return;
  if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
}

std::vector<std::string> BasePathsOf(const std::vector<ServerAddress>& servers) {
  std::vector<std::string> out;
  for (const ServerAddress& server : servers) {
    if (std::find(out.begin(), out.end(), server.base_path) == out.end()) {
      out.push_back(server.base_path);
    }
  }
  if (out.empty()) out.emplace_back();
  return out;
}

// What a path item contributes to its operations.
struct PathItemScope {
  std::string_view path;
  std::vector<std::string> path_params;
  const std::vector<std::string>* base_paths = nullptr;
  std::vector<NodeId> parameter_lists;  // path-item level
};

class SpecReader {
 public:
  explicit SpecReader(ReadContext& context)
      : context_(context), tree_(context.tree()), spec_(context.spec()) {}

  void Read();

 private:
  void ReadFormat(NodeId root);
  void ReadInfo(NodeId root);
  std::vector<ServerAddress> ReadServerList(NodeId list);
  void ReadDocumentServers(NodeId root);
  void ReadSecurity(NodeId root);
  void ReadPaths(NodeId paths);
  void ReadPathItem(NodeId key, NodeId item);
  void ReadOperation(const PathItemScope& scope, std::string_view method_key, NodeId object);
  void CollectQueryParameters(NodeId list, std::vector<std::string>& query);
  void CheckSchemeNames();

  ReadContext& context_;
  const YamlTree& tree_;
  Spec& spec_;
  std::vector<std::string> document_base_paths_;
  PathIndex declared_;  // rejects an operation declared twice
  size_t parameter_reads_ = 0;
  bool operations_capped_ = false;
};

void SpecReader::Read() {
  const NodeId root = tree_.root();
  if (tree_.empty()) context_.Fail(kNoNode, "empty document");
  if (!tree_.is_map(root)) {
    context_.Fail(root, "not an OpenAPI or Swagger document (the top level is not a mapping)");
  }
  ReadFormat(root);
  ReadInfo(root);
  ReadDocumentServers(root);
  ReadSecurity(root);
  const NodeId paths = tree_.Find(root, "paths");
  if (paths == kNoNode) {
    context_.Warn(root, "no 'paths': the document declares no operation");
  } else {
    ReadPaths(paths);
  }
  CheckSchemeNames();
  spec_.stats.yaml_nodes_kept = tree_.node_count();
}

void SpecReader::ReadFormat(NodeId root) {
  const NodeId openapi = tree_.Find(root, "openapi");
  const NodeId swagger = tree_.Find(root, "swagger");
  if (openapi != kNoNode) {
    const std::string_view version = context_.Text(openapi);
    if (HasMajorMinor(version, "3.0")) {
      spec_.format = SpecFormat::kOpenApi30;
    } else if (HasMajorMinor(version, "3.1")) {
      spec_.format = SpecFormat::kOpenApi31;
    } else {
      context_.Fail(openapi, "unsupported OpenAPI version '" + Clip(version) +
                                 "' (supported: 3.0.x, 3.1.x and Swagger 2.0)");
    }
    spec_.format_version = std::string(version);
    return;
  }
  if (swagger != kNoNode) {
    const std::string_view version = context_.Text(swagger);
    if (version != "2.0" && version != "2") {
      context_.Fail(swagger, "unsupported Swagger version '" + Clip(version) +
                                 "' (supported: 3.0.x, 3.1.x and Swagger 2.0)");
    }
    spec_.format = SpecFormat::kSwagger20;
    spec_.format_version = "2.0";
    return;
  }
  context_.Fail(kNoNode, "not an OpenAPI or Swagger document (no 'openapi' or 'swagger' key)");
}

void SpecReader::ReadInfo(NodeId root) {
  const NodeId info = tree_.Find(root, "info");
  if (info == kNoNode) {
    context_.Warn(root, "no 'info': no title and no version");
    return;
  }
  if (!tree_.is_map(info)) context_.Fail(info, "'info' is not a mapping");
  spec_.title = std::string(context_.Text(tree_.Find(info, "title")));
  spec_.version = std::string(context_.Text(tree_.Find(info, "version")));
  if (spec_.version.empty()) {
    context_.Warn(info, "no info.version: older than any versioned spec of the same service");
  }
}

std::vector<ServerAddress> SpecReader::ReadServerList(NodeId list) {
  std::vector<ServerAddress> out;
  if (!tree_.is_sequence(list)) {
    context_.Warn(list, "'servers' is not a list: ignored");
    return out;
  }
  const size_t count = tree_.size(list);
  for (size_t i = 0; i < count; ++i) {
    if (out.size() >= context_.limits().max_servers) {
      spec_.stats.servers_over_cap += count - i;
      context_.Warn(list, "more than " + std::to_string(context_.limits().max_servers) +
                              " servers: the rest ignored");
      break;
    }
    const NodeId server = tree_.item(list, i);
    const NodeId url = tree_.Find(server, "url");
    if (!tree_.is_scalar(url)) {
      context_.Warn(server, "a server without a 'url': ignored");
      continue;
    }
    std::vector<std::pair<std::string, std::string>> variables;
    const NodeId declared = tree_.Find(server, "variables");
    const size_t pairs = std::min(tree_.size(declared), context_.limits().max_servers);
    for (size_t v = 0; v < pairs; ++v) {
      const NodeId default_value = tree_.Find(tree_.value_at(declared, v), "default");
      if (tree_.is_scalar(default_value)) {
        variables.emplace_back(context_.Text(tree_.key_at(declared, v)),
                               context_.Text(default_value));
      }
    }
    out.push_back(ParseServerUrl(SubstituteServerVariables(context_.Text(url), variables)));
  }
  return out;
}

void SpecReader::ReadDocumentServers(NodeId root) {
  if (spec_.format == SpecFormat::kSwagger20) {
    std::vector<std::string> schemes;
    const NodeId list = tree_.Find(root, "schemes");
    for (size_t i = 0; i < std::min(tree_.size(list), context_.limits().max_servers); ++i) {
      const std::string_view scheme = context_.Text(tree_.item(list, i));
      if (!scheme.empty()) schemes.emplace_back(scheme);
    }
    spec_.servers = Swagger2Servers(context_.Text(tree_.Find(root, "host")),
                                    context_.Text(tree_.Find(root, "basePath")), schemes);
  } else {
    const NodeId list = tree_.Find(root, "servers");
    if (list != kNoNode) spec_.servers = ReadServerList(list);
    if (spec_.servers.empty()) spec_.servers.push_back(ParseServerUrl("/"));
  }
  document_base_paths_ = BasePathsOf(spec_.servers);
}

void SpecReader::ReadSecurity(NodeId root) {
  NodeId schemes = kNoNode;
  if (spec_.format == SpecFormat::kSwagger20) {
    schemes = tree_.Find(root, "securityDefinitions");
  } else if (const NodeId components = tree_.Find(root, "components"); components != kNoNode) {
    if (!tree_.is_map(components)) context_.Fail(components, "'components' is not a mapping");
    schemes = tree_.Find(components, "securitySchemes");
  }
  spec_.security_schemes = ReadSecuritySchemes(context_, schemes, spec_.format);
  if (const NodeId security = tree_.Find(root, "security"); security != kNoNode) {
    if (std::optional<SecurityRequirement> requirement =
            ReadSecurityRequirement(context_, security)) {
      spec_.security = std::move(*requirement);
      spec_.has_security = true;
    }
  }
}

void SpecReader::ReadPaths(NodeId paths) {
  if (!tree_.is_map(paths)) context_.Fail(paths, "'paths' is not a mapping");
  const size_t count = tree_.size(paths);
  for (size_t i = 0; i < count; ++i) ReadPathItem(tree_.key_at(paths, i), tree_.value_at(paths, i));
}

void SpecReader::ReadPathItem(NodeId key, NodeId item) {
  PathItemScope scope;
  scope.path = context_.Text(key);
  if (!scope.path.starts_with('/')) {
    ++spec_.stats.invalid_paths;
    context_.Warn(key, "path '" + Clip(scope.path) + "' does not start with '/': ignored");
    return;
  }
  std::string error;
  std::optional<ParsedTemplate> parsed =
      ParseTemplate(scope.path, PathIndex::kMaxSegments, PathIndex::kMaxTemplateBytes, &error);
  if (!parsed) {
    ++spec_.stats.invalid_paths;
    context_.Warn(
        key, "path '" + Clip(scope.path) + "' is not a valid template (" + error + "): ignored");
    return;
  }
  scope.path_params = std::move(parsed->parameter_names);

  // A path item may be a $ref to another one (3.x); its own fields come first.
  std::vector<NodeId> layers;
  if (tree_.is_map(item)) layers.push_back(item);
  if (tree_.Find(item, "$ref") != kNoNode) {
    const NodeId target = context_.Resolve(item);
    if (tree_.is_map(target) && target != item) layers.push_back(target);
  }
  if (layers.empty()) {
    if (item != kNoNode && tree_.kind(item) != YamlTree::Kind::kNull) {
      context_.Warn(item, "path item '" + Clip(scope.path) + "' is not a mapping: ignored");
    }
    return;
  }

  std::vector<std::string> item_base_paths;
  scope.base_paths = &document_base_paths_;
  for (NodeId layer : layers) {
    if (const NodeId servers = tree_.Find(layer, "servers");
        servers != kNoNode && spec_.format != SpecFormat::kSwagger20) {
      item_base_paths = BasePathsOf(ReadServerList(servers));
      scope.base_paths = &item_base_paths;
      break;
    }
  }
  for (NodeId layer : layers) {
    if (const NodeId list = tree_.Find(layer, "parameters"); list != kNoNode) {
      scope.parameter_lists.push_back(list);
      break;
    }
  }

  std::vector<std::string_view> seen_methods;
  for (NodeId layer : layers) {
    const size_t pairs = tree_.size(layer);
    for (size_t p = 0; p < pairs; ++p) {
      const std::string_view method = context_.Text(tree_.key_at(layer, p));
      if (!IsOperationKey(method) ||
          std::find(seen_methods.begin(), seen_methods.end(), method) != seen_methods.end()) {
        continue;
      }
      seen_methods.push_back(method);
      ReadOperation(scope, method, tree_.value_at(layer, p));
    }
  }
}

void SpecReader::ReadOperation(const PathItemScope& scope, std::string_view method_key,
                               NodeId object) {
  const SpecLimits& limits = context_.limits();
  if (spec_.operations.size() >= limits.max_operations) {
    ++spec_.stats.operations_over_cap;
    if (!operations_capped_) {
      operations_capped_ = true;
      context_.Warn(object, "more than " + std::to_string(limits.max_operations) +
                                " operations: the rest ignored");
    }
    return;
  }
  Operation op;
  op.method = UpperCopy(method_key);
  op.path = std::string(scope.path);
  if (!tree_.is_map(object)) {
    context_.Warn(object, op.method + " " + Clip(op.path) + " is not a mapping: ignored");
    return;
  }
  op.base_paths = *scope.base_paths;
  if (const NodeId servers = tree_.Find(object, "servers");
      servers != kNoNode && spec_.format != SpecFormat::kSwagger20) {
    op.base_paths = BasePathsOf(ReadServerList(servers));
  }
  op.template_path = op.base_paths.front() + op.path;

  std::string error;
  switch (declared_.Add(op.method, op.template_path, static_cast<uint32_t>(spec_.operations.size()),
                        &error)) {
    case PathIndex::AddResult::kAdded:
      break;
    case PathIndex::AddResult::kDuplicate:
      ++spec_.stats.duplicate_operations;
      context_.Warn(object, op.method + " " + Clip(op.template_path) +
                                " is declared twice (parameter names or a trailing slash aside): "
                                "the first one is kept");
      return;
    case PathIndex::AddResult::kInvalid:
      ++spec_.stats.invalid_paths;
      context_.Warn(object, op.method + " " + Clip(op.template_path) + ": " + error);
      return;
  }

  op.operation_id = std::string(context_.Text(tree_.Find(object, "operationId")));
  const std::string_view deprecated = context_.Text(tree_.Find(object, "deprecated"));
  op.deprecated = deprecated == "true" || deprecated == "True" || deprecated == "TRUE";

  std::optional<SecurityRequirement> own;
  if (const NodeId security = tree_.Find(object, "security"); security != kNoNode) {
    own = ReadSecurityRequirement(context_, security);
  }
  if (own) {
    op.security = std::move(*own);
    op.security_source = SecuritySource::kOperation;
  } else if (spec_.has_security) {
    op.security = spec_.security;
    op.security_source = SecuritySource::kDocument;
  }
  op.secured = RequiresCredential(op.security);
  op.security_schemes = SchemeNames(op.security);

  op.path_params = scope.path_params;
  for (NodeId list : scope.parameter_lists) CollectQueryParameters(list, op.query_params);
  if (const NodeId list = tree_.Find(object, "parameters"); list != kNoNode) {
    CollectQueryParameters(list, op.query_params);
  }
  spec_.operations.push_back(std::move(op));
}

void SpecReader::CollectQueryParameters(NodeId list, std::vector<std::string>& query) {
  const SpecLimits& limits = context_.limits();
  if (!tree_.is_sequence(list)) {
    context_.Warn(list, "'parameters' is not a list: ignored");
    return;
  }
  const size_t count = tree_.size(list);
  for (size_t i = 0; i < count; ++i) {
    if (i >= limits.max_parameters || parameter_reads_ >= limits.max_parameter_reads) {
      spec_.stats.parameters_over_cap += count - i;
      return;
    }
    ++parameter_reads_;
    const NodeId parameter = context_.Resolve(tree_.item(list, i));
    if (context_.Text(tree_.Find(parameter, "in")) == "query") {
      AddUnique(query, context_.Text(tree_.Find(parameter, "name")));
    }
  }
}

void SpecReader::CheckSchemeNames() {
  std::vector<std::string> missing;
  auto check = [&](const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      if (spec_.FindSecurityScheme(name) == nullptr) AddUnique(missing, name);
    }
  };
  check(SchemeNames(spec_.security));
  for (const Operation& op : spec_.operations) check(op.security_schemes);
  for (const std::string& name : missing) {
    context_.Warn(kNoNode, "security scheme '" + Clip(name) + "' is required but not defined");
  }
}

}  // namespace

Spec ParseSpec(std::string_view text, const std::string& source, const SpecLimits& limits) {
  Spec spec;
  spec.source = source;
  YamlTree tree;
  try {
    tree = YamlTree::Parse(text, SpecOutline(), limits.yaml);
  } catch (const YamlError& e) {
    std::string where = source + ": ";
    if (e.line() > 0) {
      where += "line " + std::to_string(e.line());
      if (e.column() > 0) where += ", column " + std::to_string(e.column());
      where += ": ";
    }
    throw SpecError(where + e.what());
  }
  ReadContext context(tree, limits, spec);
  SpecReader(context).Read();
  return spec;
}

}  // namespace apisensor::openapi
