#include "agent/api/api_client.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace apisensor::api {
namespace {

// GETs `path`; on failure prints why and returns std::nullopt.
std::optional<std::string> Get(const ClientOptions& options, const std::string& path) {
  httplib::Client client("http://" + options.server);
  client.set_connection_timeout(3);
  client.set_read_timeout(30);
  httplib::Headers headers;
  if (!options.token.empty()) headers.emplace("Authorization", "Bearer " + options.token);
  const httplib::Result result = client.Get(path, headers);
  if (!result) {
    std::fprintf(stderr,
                 "apisensor: no agent answered at %s; start one with `apisensor run --listen %s`, "
                 "or give its address with --server.\n",
                 options.server.c_str(), options.server.c_str());
    return std::nullopt;
  }
  if (result->status == 401) {
    std::fprintf(stderr,
                 "apisensor: %s requires a token: pass it with --api-token-file or "
                 "APISENSOR_API_TOKEN.\n",
                 options.server.c_str());
    return std::nullopt;
  }
  if (result->status != 200) {
    rapidjson::Document error;
    error.Parse(result->body.c_str());
    const bool has_message = !error.HasParseError() && error.IsObject() &&
                             error.HasMember("error") && error["error"].IsString();
    std::fprintf(stderr, "apisensor: %s answered %s with HTTP %d%s%s\n", options.server.c_str(),
                 path.c_str(), result->status, has_message ? ": " : "",
                 has_message ? error["error"].GetString() : "");
    return std::nullopt;
  }
  return result->body;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string JoinStrings(const rapidjson::Value& array) {
  std::string out;
  if (!array.IsArray()) return out;
  for (const auto& v : array.GetArray()) {
    if (!v.IsString()) continue;
    if (!out.empty()) out += ",";
    out += v.GetString();
  }
  return out.empty() ? "-" : out;
}

std::string JoinKeys(const rapidjson::Value& object) {
  std::string out;
  if (!object.IsObject()) return out;
  for (const auto& m : object.GetObject()) {
    if (!out.empty()) out += ",";
    out += m.name.GetString();
  }
  return out.empty() ? "-" : out;
}

std::string StatusSummary(const rapidjson::Value& codes) {
  uint64_t classes[6] = {};
  if (codes.IsObject()) {
    for (const auto& m : codes.GetObject()) {
      const int status = std::atoi(m.name.GetString());
      if (status >= 100 && status < 600 && m.value.IsUint64()) {
        classes[status / 100] += m.value.GetUint64();
      }
    }
  }
  char text[64];
  std::snprintf(text, sizeof(text), "%llu/%llu/%llu", static_cast<unsigned long long>(classes[2]),
                static_cast<unsigned long long>(classes[4]),
                static_cast<unsigned long long>(classes[5]));
  return text;
}

std::string Text(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject() || !object.HasMember(key) || !object[key].IsString()) return "-";
  return object[key].GetString();
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

std::string ReadApiToken(const std::string& file) {
  std::string token;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read the API token file " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    token = ss.str();
  } else if (const char* env = std::getenv("APISENSOR_API_TOKEN")) {
    token = env;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (!file.empty() && token.empty()) {
    throw std::runtime_error("the API token file " + file + " is empty");
  }
  return token;
}

int PrintStatus(const ClientOptions& client) {
  const std::optional<std::string> body = Get(client, "/status");
  if (!body) return 1;
  if (client.json) {
    std::printf("%s\n", body->c_str());
    return 0;
  }
  rapidjson::Document status;
  status.Parse(body->c_str(), body->size());
  if (status.HasParseError() || !status.IsObject() || !status.HasMember("tls_libraries") ||
      !status["tls_libraries"].IsArray() || !status.HasMember("counters") ||
      !status["counters"].IsObject()) {
    std::fprintf(stderr, "apisensor: %s answered /status with something that is not a status\n",
                 client.server.c_str());
    return 1;
  }
  std::printf("apisensor at %s\n\nTLS libraries:\n", client.server.c_str());
  const auto& libraries = status["tls_libraries"].GetArray();
  if (libraries.Empty()) std::printf("  none found\n");
  for (const auto& library : libraries) {
    const bool probed = library["probed"].GetBool();
    std::printf("  %-11s %s (%s): %s\n", probed ? "probed" : "not probed",
                library["path"].GetString(), library["found_as"].GetString(),
                probed ? library["probe_points"].GetString() : library["problem"].GetString());
  }
  std::printf("\nCounters:\n");
  for (const auto& counter : status["counters"].GetObject()) {
    std::printf("  %-36s %llu\n", counter.name.GetString(),
                static_cast<unsigned long long>(counter.value.GetUint64()));
  }
  return 0;
}

int PrintEndpoints(const ClientOptions& client, const EndpointsCommand& command) {
  std::string filters;
  if (command.service) filters += "&service=" + UrlEncode(*command.service);
  if (command.state) filters += "&state=" + UrlEncode(*command.state);
  std::vector<std::vector<std::string>> rows = {{"SERVICE", "METHOD", "PATH", "STATE", "REQUESTS",
                                                 "2xx/4xx/5xx", "AUTH", "UNAUTH", "SENSITIVE",
                                                 "LAST SEEN"}};
  std::string json_out = "[";
  size_t offset = 0;
  for (;;) {
    const std::optional<std::string> body =
        Get(client, "/v1/endpoints?limit=1000&offset=" + std::to_string(offset) + filters);
    if (!body) return 1;
    rapidjson::Document doc;
    doc.Parse(body->c_str(), body->size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("endpoints") ||
        !doc["endpoints"].IsArray()) {
      std::fprintf(stderr, "apisensor: %s answered /v1/endpoints with something else\n",
                   client.server.c_str());
      return 1;
    }
    for (const auto& e : doc["endpoints"].GetArray()) {
      if (client.json) {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
        e.Accept(w);
        if (json_out.size() > 1) json_out += ",";
        json_out += buffer.GetString();
        continue;
      }
      char share[16];
      std::snprintf(share, sizeof(share), "%.0f%%",
                    e.HasMember("unauthenticated_share") && e["unauthenticated_share"].IsNumber()
                        ? e["unauthenticated_share"].GetDouble() * 100
                        : 0.0);
      rows.push_back({Text(e, "service"), Text(e, "method"), Text(e, "path"), Text(e, "state"),
                      std::to_string(e["requests"].GetUint64()), StatusSummary(e["status_codes"]),
                      JoinKeys(e["auth_schemes"]), share, JoinStrings(e["sensitive"]),
                      Text(e, "last_seen").substr(0, 19)});
    }
    if (!doc.HasMember("next_offset") || !doc["next_offset"].IsUint64()) break;
    offset = doc["next_offset"].GetUint64();
  }
  if (client.json) {
    std::printf("%s]\n", json_out.c_str());
  } else if (rows.size() == 1) {
    std::printf("no endpoints%s\n", filters.empty() ? " observed yet" : " match");
  } else {
    PrintTable(rows);
  }
  return 0;
}

int WriteOpenApi(const ClientOptions& client, const std::string& service,
                 const std::string& output) {
  const std::optional<std::string> body = Get(client, "/v1/openapi?service=" + UrlEncode(service));
  if (!body) return 1;
  if (output == "-") {
    std::printf("%s\n", body->c_str());
    return 0;
  }
  std::ofstream out(output);
  out << *body << "\n";
  if (!out) {
    std::fprintf(stderr, "apisensor: cannot write %s\n", output.c_str());
    return 1;
  }
  return 0;
}

int PrintFindings(const ClientOptions& client, const std::optional<std::string>& type,
                  const std::optional<std::string>& severity) {
  std::string path = "/v1/findings?";
  if (type) path += "type=" + UrlEncode(*type) + "&";
  if (severity) path += "severity=" + UrlEncode(*severity);
  const std::optional<std::string> body = Get(client, path);
  if (!body) return 1;
  if (client.json) {
    std::printf("%s\n", body->c_str());
    return 0;
  }
  rapidjson::Document doc;
  doc.Parse(body->c_str(), body->size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("findings") ||
      !doc["findings"].IsArray()) {
    std::fprintf(stderr, "apisensor: %s answered /v1/findings with something else\n",
                 client.server.c_str());
    return 1;
  }
  std::vector<std::vector<std::string>> rows = {
      {"SEVERITY", "TYPE", "OWASP", "SERVICE", "ENDPOINT", "CALLER", "COUNT", "LAST SEEN"}};
  for (const auto& f : doc["findings"].GetArray()) {
    rows.push_back({Text(f, "severity"), Text(f, "type"), Text(f, "owasp"), Text(f, "service"),
                    Text(f, "endpoint"), Text(f, "caller"), std::to_string(f["count"].GetUint64()),
                    Text(f, "last_seen").substr(0, 19)});
  }
  if (rows.size() == 1) {
    std::printf("no findings\n");
  } else {
    PrintTable(rows);
  }
  return 0;
}

}  // namespace apisensor::api
