#include "agent/openapi/security_reader.h"

#include <algorithm>

#include "agent/text/ascii_case.h"

namespace apisensor::openapi {
namespace {

using NodeId = YamlTree::NodeId;

ApiKeyLocation LocationOf(std::string_view in) {
  if (text::EqualsIgnoreAsciiCase(in, "header")) return ApiKeyLocation::kHeader;
  if (text::EqualsIgnoreAsciiCase(in, "query")) return ApiKeyLocation::kQuery;
  if (text::EqualsIgnoreAsciiCase(in, "cookie")) return ApiKeyLocation::kCookie;
  return ApiKeyLocation::kNone;
}

void ReadType(ReadContext& context, NodeId object, SpecFormat format, SecurityScheme& out) {
  const std::string_view type = context.Text(context.tree().Find(object, "type"));
  if (text::EqualsIgnoreAsciiCase(type, "apiKey")) {
    out.type = SecuritySchemeType::kApiKey;
    out.in = LocationOf(context.Text(context.tree().Find(object, "in")));
    out.key_name = std::string(context.Text(context.tree().Find(object, "name")));
  } else if (text::EqualsIgnoreAsciiCase(type, "oauth2")) {
    out.type = SecuritySchemeType::kOAuth2;
  } else if (format == SpecFormat::kSwagger20 && text::EqualsIgnoreAsciiCase(type, "basic")) {
    out.type = SecuritySchemeType::kHttp;
    out.scheme = "basic";
  } else if (format != SpecFormat::kSwagger20 && text::EqualsIgnoreAsciiCase(type, "http")) {
    out.type = SecuritySchemeType::kHttp;
    out.scheme = text::AsciiLowerCopy(context.Text(context.tree().Find(object, "scheme")));
    out.bearer_format = std::string(context.Text(context.tree().Find(object, "bearerFormat")));
  } else if (format != SpecFormat::kSwagger20 &&
             text::EqualsIgnoreAsciiCase(type, "openIdConnect")) {
    out.type = SecuritySchemeType::kOpenIdConnect;
  } else if (format != SpecFormat::kSwagger20 && text::EqualsIgnoreAsciiCase(type, "mutualTLS")) {
    out.type = SecuritySchemeType::kMutualTls;
  } else {
    out.type = SecuritySchemeType::kUnknown;
    context.Warn(object, "security scheme '" + out.name + "' has an unknown type '" +
                             std::string(type.substr(0, 64)) + "'");
  }
}

}  // namespace

std::vector<SecurityScheme> ReadSecuritySchemes(ReadContext& context, NodeId map,
                                                SpecFormat format) {
  std::vector<SecurityScheme> out;
  const YamlTree& tree = context.tree();
  if (map == YamlTree::kNoNode) return out;
  if (!tree.is_map(map)) {
    context.Warn(map, "security schemes are not a mapping: ignored");
    return out;
  }
  const size_t pairs = tree.size(map);
  for (size_t i = 0; i < pairs; ++i) {
    if (out.size() >= context.limits().max_security_schemes) {
      context.spec().stats.security_entries_over_cap += pairs - i;
      context.Warn(map, "more than " + std::to_string(context.limits().max_security_schemes) +
                            " security schemes: the rest ignored");
      break;
    }
    SecurityScheme scheme;
    scheme.name = std::string(context.Text(tree.key_at(map, i)));
    const NodeId object = context.Resolve(tree.value_at(map, i));
    if (!tree.is_map(object)) {
      if (object != YamlTree::kNoNode) {
        context.Warn(tree.value_at(map, i),
                     "security scheme '" + scheme.name + "' is not a mapping: ignored");
      }
      continue;
    }
    ReadType(context, object, format, scheme);
    out.push_back(std::move(scheme));
  }
  return out;
}

std::optional<SecurityRequirement> ReadSecurityRequirement(ReadContext& context, NodeId list) {
  const YamlTree& tree = context.tree();
  if (!tree.is_sequence(list)) {
    context.Warn(list, "'security' is not a list: ignored");
    return std::nullopt;
  }
  const SpecLimits& limits = context.limits();
  SecurityRequirement out;
  const size_t count = tree.size(list);
  for (size_t i = 0; i < count; ++i) {
    if (out.size() >= limits.max_security_alternatives) {
      context.spec().stats.security_entries_over_cap += count - i;
      break;
    }
    const NodeId alternative = tree.item(list, i);
    if (!tree.is_map(alternative)) {
      context.Warn(alternative, "a 'security' entry is not a mapping: ignored");
      continue;
    }
    std::vector<std::string> names;
    const size_t pairs = tree.size(alternative);
    for (size_t p = 0; p < pairs; ++p) {
      if (names.size() >= limits.max_schemes_per_alternative) {
        context.spec().stats.security_entries_over_cap += pairs - p;
        break;
      }
      const std::string_view name = context.Text(tree.key_at(alternative, p));
      if (!name.empty()) names.emplace_back(name);
    }
    out.push_back(std::move(names));
  }
  return out;
}

bool RequiresCredential(const SecurityRequirement& requirement) {
  if (requirement.empty()) return false;
  return std::none_of(requirement.begin(), requirement.end(),
                      [](const std::vector<std::string>& names) { return names.empty(); });
}

std::vector<std::string> SchemeNames(const SecurityRequirement& requirement) {
  std::vector<std::string> out;
  for (const std::vector<std::string>& alternative : requirement) {
    for (const std::string& name : alternative) {
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  return out;
}

}  // namespace apisensor::openapi
