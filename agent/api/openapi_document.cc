#include "agent/api/openapi_document.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "agent/api/inventory_json.h"
#include "agent/text/ascii_case.h"

namespace apisensor::api {
namespace {

using inventory::EndpointView;

// "{id}" segments repeat in learned templates (/users/{id}/orders/{id}); OpenAPI needs each
// parameter named once per path, so later ones become {id_2}, {id_3}.
struct PathTemplate {
  std::string path;
  std::vector<std::string> params;
};

PathTemplate UniqueParams(std::string_view path) {
  PathTemplate out;
  std::map<std::string, int> seen;
  size_t i = 0;
  while (i < path.size()) {
    const size_t open = path.find('{', i);
    if (open == std::string_view::npos) {
      out.path.append(path.substr(i));
      break;
    }
    const size_t close = path.find('}', open);
    if (close == std::string_view::npos) {
      out.path.append(path.substr(i));
      break;
    }
    out.path.append(path.substr(i, open - i));
    std::string name(path.substr(open + 1, close - open - 1));
    if (name.empty()) name = "param";
    const int n = ++seen[name];
    if (n > 1) name += "_" + std::to_string(n);
    out.path += "{" + name + "}";
    out.params.push_back(std::move(name));
    i = close + 1;
  }
  return out;
}

std::string OperationId(std::string_view method, std::string_view path) {
  std::string id;
  for (char c : method)
    id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  bool underscore = true;
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (underscore) id.push_back('_');
      id.push_back(c);
      underscore = false;
    } else {
      underscore = true;
    }
  }
  return id;
}

bool IsOpenApiMethod(std::string_view lower) {
  static constexpr std::string_view kMethods[] = {"get",     "put",  "post",  "delete",
                                                  "options", "head", "patch", "trace"};
  return std::find(std::begin(kMethods), std::end(kMethods), lower) != std::end(kMethods);
}

// A security scheme name and its OpenAPI definition, from what the sensor saw.
struct Scheme {
  std::string type, scheme, bearer_format, in, name;
};

std::string SchemeName(const Scheme& s) {
  if (s.type == "http") return s.bearer_format == "JWT" ? "jwtBearer" : s.scheme + "Auth";
  if (s.type == "mutualTLS") return "mutualTLS";
  std::string name = s.in + "Key_";
  for (char c : s.name) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return name;
}

// Schemes an endpoint's requests used; whether some came without any credential.
std::vector<Scheme> SchemesOf(const inventory::EndpointStats& s) {
  std::vector<Scheme> out;
  using secrets::AuthKind;
  auto seen = [&](AuthKind k) { return s.auth[static_cast<size_t>(k)] > 0; };
  if (seen(AuthKind::kBasic)) out.push_back({"http", "basic", "", "", ""});
  if (seen(AuthKind::kDigest)) out.push_back({"http", "digest", "", "", ""});
  if (seen(AuthKind::kBearer)) out.push_back({"http", "bearer", "", "", ""});
  if (seen(AuthKind::kMutualTls)) out.push_back({"mutualTLS", "", "", "", ""});
  bool carried = false;
  for (const inventory::CountedName& c : s.auth_carriers.entries()) {
    const size_t colon = c.name.find(':');
    if (colon == std::string::npos) continue;
    const std::string in = c.name.substr(0, colon);
    if (in != "header" && in != "query" && in != "cookie") continue;
    out.push_back({"apiKey", "", "", in, c.name.substr(colon + 1)});
    carried = true;
  }
  // A JWT with no named carrier travelled in Authorization: Bearer; one in a header, cookie or
  // query parameter is described by that carrier above.
  if (seen(AuthKind::kJwt) && !carried) out.push_back({"http", "bearer", "JWT", "", ""});
  return out;
}

void WriteScheme(JsonWriter& w, const Scheme& s) {
  w.StartObject();
  w.Key("type");
  WriteString(w, s.type);
  if (!s.scheme.empty()) {
    w.Key("scheme");
    WriteString(w, s.scheme);
  }
  if (!s.bearer_format.empty()) {
    w.Key("bearerFormat");
    WriteString(w, s.bearer_format);
  }
  if (!s.in.empty()) {
    w.Key("in");
    WriteString(w, s.in);
    w.Key("name");
    WriteString(w, s.name);
  }
  w.EndObject();
}

// Values are never recorded, so every parameter's schema is the one thing known: a string.
void WriteParameter(JsonWriter& w, std::string_view name, const char* in, bool required) {
  w.StartObject();
  w.Key("name");
  WriteString(w, name);
  w.Key("in");
  w.String(in);
  w.Key("required");
  w.Bool(required);
  w.Key("schema");
  w.StartObject();
  w.Key("type");
  w.String("string");
  w.EndObject();
  w.EndObject();
}

void WriteContent(JsonWriter& w, const inventory::DirectionStats& d) {
  w.Key("content");
  w.StartObject();
  bool wrote_schema = false;
  for (const inventory::CountedName& ct : d.content_types.entries()) {
    WriteString(w, ct.name);
    w.StartObject();
    if (!wrote_schema && ct.name.find("json") != std::string::npos && !d.schema.empty()) {
      w.Key("schema");
      const std::string schema = d.schema.ToJsonSchema();
      w.RawValue(schema.data(), schema.size(), rapidjson::kObjectType);
      wrote_schema = true;
    }
    w.EndObject();
  }
  w.EndObject();
}

void WriteOperation(JsonWriter& w, const EndpointView& e, const PathTemplate& path,
                    std::set<std::string>& scheme_names, std::map<std::string, Scheme>& schemes) {
  const inventory::EndpointStats& s = e.stats;
  w.StartObject();
  w.Key("operationId");
  WriteString(
      w, e.declared.operation_id.empty() ? OperationId(e.method, e.path) : e.declared.operation_id);
  w.Key("summary");
  WriteString(w, "Observed " + std::to_string(s.requests) + " times");
  if (e.declared.deprecated || e.state == inventory::EndpointState::kZombie) {
    w.Key("deprecated");
    w.Bool(true);
  }
  if (!path.params.empty() || !s.query_params.entries().empty()) {
    w.Key("parameters");
    w.StartArray();
    for (const std::string& p : path.params) WriteParameter(w, p, "path", true);
    // A query parameter sent with every request observed is taken as required.
    for (const inventory::CountedName& q : s.query_params.entries()) {
      WriteParameter(w, q.name, "query", q.count == s.requests);
    }
    w.EndArray();
  }
  if (s.request.body_bytes > 0 && !s.request.content_types.entries().empty()) {
    w.Key("requestBody");
    w.StartObject();
    WriteContent(w, s.request);
    w.EndObject();
  }
  w.Key("responses");
  w.StartObject();
  bool any = false;
  for (const inventory::StatusCount& c : s.status_codes) {
    if (c.status < 100 || c.status > 599) continue;
    any = true;
    const std::string code = std::to_string(c.status);
    WriteString(w, code);
    w.StartObject();
    w.Key("description");
    WriteString(w, "Observed " + std::to_string(c.count) + " times");
    if (c.status / 100 == 2 && s.response.body_bytes > 0 &&
        !s.response.content_types.entries().empty()) {
      WriteContent(w, s.response);
    }
    w.EndObject();
  }
  if (!any) {
    w.Key("default");
    w.StartObject();
    w.Key("description");
    w.String("No response was observed");
    w.EndObject();
  }
  w.EndObject();
  const std::vector<Scheme> used = SchemesOf(s);
  if (!used.empty()) {
    w.Key("security");
    w.StartArray();
    for (const Scheme& scheme : used) {
      const std::string name = SchemeName(scheme);
      schemes.emplace(name, scheme);
      scheme_names.insert(name);
      w.StartObject();
      WriteString(w, name);
      w.StartArray();
      w.EndArray();
      w.EndObject();
    }
    if (s.unauthenticated() > 0) {  // credentials were optional in practice
      w.StartObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("x-apisensor-state");
  WriteString(w, inventory::EndpointStateName(e.state));
  w.EndObject();
}

}  // namespace

std::optional<std::string> ObservedOpenApi(const inventory::InventoryView& view,
                                           std::string_view service) {
  const auto svc = std::find_if(view.services.begin(), view.services.end(),
                                [&](const inventory::ServiceView& s) { return s.name == service; });
  if (svc == view.services.end()) return std::nullopt;
  // path → method → endpoint, in a stable order.
  std::map<std::string, std::map<std::string, const EndpointView*>> paths;
  std::map<std::string, PathTemplate> templates;
  for (const auto& e : view.endpoints) {
    if (e->service != service || e->state == inventory::EndpointState::kUnused) continue;
    const std::string method = text::AsciiLowerCopy(e->method);
    if (!IsOpenApiMethod(method) || e->path.empty() || e->path[0] != '/') continue;
    PathTemplate t = UniqueParams(e->path);
    paths[t.path][method] = e.get();
    templates[t.path] = std::move(t);
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("openapi");
  w.String("3.1.0");
  w.Key("info");
  w.StartObject();
  w.Key("title");
  WriteString(w, std::string(service) + " (observed)");
  w.Key("version");
  char text[32];
  std::snprintf(text, sizeof(text), "observed-%llu",
                static_cast<unsigned long long>(view.published_ns / 1'000'000'000));
  w.String(text);
  w.Key("description");
  WriteString(w,
              "Generated by apisensor from live traffic. Schemas are inferred from observed "
              "bodies; values are never recorded.");
  w.EndObject();
  if (!svc->hosts.entries().empty()) {
    w.Key("servers");
    w.StartArray();
    for (const inventory::CountedName& host : svc->hosts.entries()) {
      w.StartObject();
      w.Key("url");
      WriteString(w, "//" + host.name);
      w.EndObject();
    }
    w.EndArray();
  }
  std::set<std::string> scheme_names;
  std::map<std::string, Scheme> schemes;
  w.Key("paths");
  w.StartObject();
  for (const auto& [path, methods] : paths) {
    WriteString(w, path);
    w.StartObject();
    for (const auto& [method, endpoint] : methods) {
      WriteString(w, method);
      WriteOperation(w, *endpoint, templates[path], scheme_names, schemes);
    }
    w.EndObject();
  }
  w.EndObject();
  if (!schemes.empty()) {
    w.Key("components");
    w.StartObject();
    w.Key("securitySchemes");
    w.StartObject();
    for (const auto& [name, scheme] : schemes) {
      WriteString(w, name);
      WriteScheme(w, scheme);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace apisensor::api
