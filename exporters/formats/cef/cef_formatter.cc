#include "exporters/formats/cef/cef_formatter.h"

#include <string>
#include <string_view>

#include "exporters/core/ip_address.h"
#include "exporters/formats/cef/cef_text.h"

namespace apisensor::exporters {
namespace {

using cef::AppendEscaped;
using cef::Part;

// Longest values the CEF specification gives each field, in bytes (it counts characters, so a
// byte cap never exceeds it).
constexpr size_t kVersionMax = 31;
constexpr size_t kSignatureMax = 1023;
constexpr size_t kNameMax = 512;
constexpr size_t kShortMax = 31;  // app, proto
constexpr size_t kOutcomeMax = 63;
constexpr size_t kExternalIdMax = 40;
constexpr size_t kDvchostMax = 100;
constexpr size_t kTextMax = 1023;          // msg, request, requestMethod, sproc, dhost, cat, labels
constexpr size_t kCustomStringMax = 4000;  // cs1..cs6

constexpr int kExchangeSeverity = 1;

uint64_t Millis(uint64_t ns) { return ns / 1'000'000; }

// Writes `key=value` pairs separated by one space; an empty value is left out, since CEF has no
// way to tell it from a missing one.
class Extension {
 public:
  explicit Extension(std::string& out) : out_(out) {}

  void Text(std::string_view key, std::string_view value, size_t max_bytes) {
    if (value.empty()) return;
    Key(key);
    AppendEscaped(value, max_bytes, Part::kExtension, out_);
  }
  void Number(std::string_view key, uint64_t value) {
    Key(key);
    out_ += std::to_string(value);
  }
  // csN / cnN with its csNLabel: the label names what the custom field holds.
  void Custom(std::string_view key, std::string_view label, std::string_view value) {
    if (value.empty()) return;
    Text(key, value, kCustomStringMax);
    Label(key, label);
  }
  // flexString1/2 (at most 1023 bytes) with their labels: the two fields CEF has beyond cs1..cs6.
  void Flex(std::string_view key, std::string_view label, std::string_view value) {
    if (value.empty()) return;
    Text(key, value, kTextMax);
    Label(key, label);
  }
  void CustomNumber(std::string_view key, std::string_view label, uint64_t value) {
    Number(key, value);
    Label(key, label);
  }

 private:
  void Key(std::string_view key) {
    if (!first_) out_ += ' ';
    first_ = false;
    out_ += key;
    out_ += '=';
  }
  void Label(std::string_view key, std::string_view label) {
    Key(std::string(key) + "Label");
    AppendEscaped(label, kTextMax, Part::kExtension, out_);
  }

  std::string& out_;
  bool first_ = true;
};

class CefFormatter final : public Formatter {
 public:
  explicit CefFormatter(FormatOptions options) : options_(std::move(options)) {}

  bool Format(const ExportItem& item, std::string& out) override {
    if (const auto* finding = std::get_if<findings::Finding>(&item)) {
      FormatFinding(*finding, out);
    } else {
      FormatExchange(std::get<ExchangeSummary>(item), out);
    }
    return true;
  }
  const char* content_type() const override { return "text/plain"; }

 private:
  void Header(std::string_view signature, std::string_view name, int severity, std::string& out) {
    out += "CEF:0|apisensor|apisensor|";
    AppendEscaped(options_.product_version, kVersionMax, Part::kHeader, out);
    out += '|';
    AppendEscaped(signature, kSignatureMax, Part::kHeader, out);
    out += '|';
    AppendEscaped(name, kNameMax, Part::kHeader, out);
    out += '|';
    out += std::to_string(severity);
    out += '|';
  }

  void FormatFinding(const findings::Finding& f, std::string& out) {
    Header(f.type, f.title.empty() ? f.type : f.title, CefSeverity(f.severity), out);
    Extension ext(out);
    if (f.last_seen_ns != 0) ext.Number("rt", Millis(f.last_seen_ns));
    if (f.first_seen_ns != 0) ext.Number("start", Millis(f.first_seen_ns));
    if (f.last_seen_ns != 0) ext.Number("end", Millis(f.last_seen_ns));
    ext.Number("cnt", f.count);
    // A served call's caller is the client's address; an egress call's is the calling process.
    if (IsIpAddress(f.caller)) {
      ext.Text("src", f.caller, kTextMax);
    } else {
      ext.Text("sproc", f.caller, kTextMax);
    }
    const size_t space = f.endpoint.find(' ');
    if (space != std::string::npos) {
      ext.Text("requestMethod", std::string_view(f.endpoint).substr(0, space), kTextMax);
      ext.Text("request", std::string_view(f.endpoint).substr(space + 1), kTextMax);
    } else {
      ext.Text("request", f.endpoint, kTextMax);
    }
    ext.Text("cat", f.owasp, kTextMax);
    ext.Text("externalId", f.id, kExternalIdMax);
    ext.Text("dvchost", options_.hostname, kDvchostMax);
    ext.Custom("cs1", "service", f.service);
    ext.Custom("cs2", "findingType", f.type);
    ext.Custom("cs3", "owasp", f.owasp);
    ext.Custom("cs4", "endpoint", f.endpoint);
    ext.Custom("cs5", "caller", f.caller);
    ext.Custom("cs6", "evidence", EvidenceSummary(f));
    // "namespace/workload/Kind", present only under Kubernetes attribution.
    ext.Flex("flexString1", "k8sWorkload", k8s::WorkloadText(f.k8s));
    ext.Flex("flexString2", "k8sCallerWorkload", k8s::WorkloadText(f.caller_k8s));
    // Free text last: a receiver that cuts a long line loses the least useful part.
    ext.Text("msg", f.description, kTextMax);
  }

  void FormatExchange(const ExchangeSummary& s, std::string& out) {
    std::string name = s.method;
    if (!s.path.empty()) name += (name.empty() ? "" : " ") + s.path;
    Header(kCefExchangeSignature, name.empty() ? "HTTP exchange" : name, kExchangeSeverity, out);
    Extension ext(out);
    if (s.time_ns != 0) ext.Number("rt", Millis(s.time_ns));
    ext.Text("src", s.client_ip, kTextMax);
    if (s.client_port != 0) ext.Number("spt", s.client_port);
    ext.Text("dst", s.server_ip, kTextMax);
    if (s.server_port != 0) ext.Number("dpt", s.server_port);
    ext.Text("proto", "TCP", kShortMax);
    ext.Text("app", s.protocol, kShortMax);
    ext.Text("requestMethod", s.method, kTextMax);
    ext.Text("request", s.path, kTextMax);
    ext.Text("dhost", s.host, kTextMax);
    if (s.has_response) {
      ext.Text("outcome", s.status < 400 ? "success" : "failure", kOutcomeMax);
      ext.CustomNumber("cn1", "httpStatus", s.status);
      ext.CustomNumber("cn2", "latencyMs", Millis(s.latency_ns));
    }
    if (s.pid != 0) ext.CustomNumber("cn3", "pid", s.pid);
    ext.Number("in", s.request_body_bytes);
    ext.Number("out", s.response_body_bytes);
    ext.Text("dvchost", options_.hostname, kDvchostMax);
    ext.Custom("cs1", "service", s.service);
    ext.Custom("cs2", "endpointState", s.endpoint_state);
    ext.Custom("cs3", "caller", s.caller);
    ext.Custom("cs4", "auth", s.auth);
    ext.Custom("cs5", "process", s.process);
    ext.Custom("cs6", "tls", s.tls ? "true" : "false");
    ext.Flex("flexString1", "k8sWorkload", k8s::WorkloadText(s.k8s));
    ext.Flex("flexString2", "k8sCallerWorkload", k8s::WorkloadText(s.caller_k8s));
    ext.Text("requestClientApplication", s.user_agent, kTextMax);
  }

  // "key=value, key=value": evidence already holds fingerprints, never credentials.
  static std::string EvidenceSummary(const findings::Finding& f) {
    std::string summary;
    for (const auto& [key, value] : f.evidence) {
      if (!summary.empty()) summary += ", ";
      summary += key;
      summary += '=';
      summary += value;
    }
    return summary;
  }

  const FormatOptions options_;
};

}  // namespace

int CefSeverity(findings::Severity severity) {
  switch (severity) {
    case findings::Severity::kInfo:
      return 1;
    case findings::Severity::kLow:
      return 3;
    case findings::Severity::kMedium:
      return 5;
    case findings::Severity::kHigh:
      return 8;
    case findings::Severity::kCritical:
      return 10;
  }
  return 1;
}

std::unique_ptr<Formatter> MakeCefFormatter(const FormatOptions& options) {
  return std::make_unique<CefFormatter>(options);
}

}  // namespace apisensor::exporters
