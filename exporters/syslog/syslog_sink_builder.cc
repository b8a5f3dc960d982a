#include "exporters/syslog/syslog_sink_builder.h"

#include "exporters/syslog/syslog_sink.h"

namespace apisensor::exporters {
namespace {

using config::YamlReader;
using Node = const YAML::Node&;
using Where = const std::string&;
using namespace syslog;

constexpr size_t kAppNameMax = 48;  // RFC 5424 §6.2.5
constexpr size_t kHostnameMax = 255;
constexpr size_t kUdpMessageMax = 65000;  // below the largest UDP payload over IPv4 or IPv6

// Printable US-ASCII without spaces, as RFC 5424 header fields must be.
bool IsHeaderText(const std::string& text, size_t max) {
  if (text.empty() || text.size() > max) return false;
  for (const char c : text) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

class SyslogSinkBuilder final : public SinkBuilder {
 public:
  std::vector<std::string_view> formats() const override { return {"cef", "json", "ocsf"}; }

  void AddKeys(const YamlReader& r, std::map<std::string, YamlReader::Handler>& keys) override {
    keys["address"] = [&r, this](Node v, Where w) {
      std::optional<HostPort> address = ParseHostPort(r.String(v, w));
      if (!address) {
        r.Fail(w, "must be host:port (siem.example.com:514, 10.0.0.5:6514 or [2001:db8::5]:514)");
      }
      options_.address = std::move(*address);
      has_address_ = true;
    };
    keys["transport"] = [&r, this](Node v, Where w) {
      const std::string name = r.Choice(v, w, {"udp", "tcp", "tls"});
      options_.transport = name == "udp"   ? TransportKind::kUdp
                           : name == "tcp" ? TransportKind::kTcp
                                           : TransportKind::kTls;
    };
    keys["facility"] = [&r, this](Node v, Where w) {
      options_.header.facility = *FacilityFromName(r.Choice(v, w, FacilityNames()));
    };
    keys["app_name"] = [&r, this](Node v, Where w) {
      options_.header.app_name = r.String(v, w);
      if (!IsHeaderText(options_.header.app_name, kAppNameMax)) {
        r.Fail(w, "must be 1 to 48 printable ASCII characters without spaces");
      }
    };
    keys["hostname"] = [&r, this](Node v, Where w) {
      options_.header.hostname = r.String(v, w);
      if (!IsHeaderText(options_.header.hostname, kHostnameMax)) {
        r.Fail(w, "must be 1 to 255 printable ASCII characters without spaces");
      }
    };
    keys["max_message_bytes"] = [&r, this](Node v, Where w) {
      max_message_bytes_ = r.Number<size_t>(v, w, 480, 1 << 20);
      max_message_where_ = w;
    };
    keys["timeout_ms"] = [&r, this](Node v, Where w) {
      options_.timeout_ms = r.Number<int>(v, w, 1, 600'000);
    };
    auto tls_text = [&r, this](std::string TlsOptions::*field) {
      return [&r, this, field](Node v, Where w) {
        tls_.*field = r.String(v, w);
        tls_keys_.push_back(w);
      };
    };
    keys["ca_file"] = tls_text(&TlsOptions::ca_file);
    keys["cert_file"] = tls_text(&TlsOptions::cert_file);
    keys["key_file"] = tls_text(&TlsOptions::key_file);
    keys["server_name"] = tls_text(&TlsOptions::server_name);
    keys["insecure_skip_verify"] = [&r, this](Node v, Where w) {
      tls_.insecure_skip_verify = r.Bool(v, w);
      tls_keys_.push_back(w);
    };
  }

  std::unique_ptr<Sink> Build(const YamlReader& r, const std::string& where, const SinkOptions&,
                              std::unique_ptr<Formatter> formatter) override {
    if (!has_address_) {
      r.Fail(where + ".address", "is required: the receiver's host:port");
    }
    const bool udp = options_.transport == TransportKind::kUdp;
    // RFC 5426 §3.2: 2048 octets is what every UDP receiver should take; RFC 5425 §4.3.1: TLS
    // receivers should take 8192 (plain TCP receivers commonly do too).
    options_.max_message_bytes = max_message_bytes_ != 0 ? max_message_bytes_ : udp ? 2048 : 8192;
    if (udp && options_.max_message_bytes > kUdpMessageMax) {
      r.Fail(max_message_where_, "must be at most 65000 with transport udp");
    }
    if (options_.header.app_name.empty()) options_.header.app_name = "apisensor";
    if (options_.header.hostname.empty()) options_.header.hostname = LocalHostname();
    if (options_.transport != TransportKind::kTls) {
      if (!tls_keys_.empty()) r.Fail(tls_keys_.front(), "applies only to transport tls");
    } else {
      if (tls_.ca_file.empty() && !tls_.insecure_skip_verify) {
        r.Fail(where + ".ca_file",
               "is required with transport tls, to verify the receiver (or set "
               "insecure_skip_verify: true)");
      }
      if (tls_.cert_file.empty() != tls_.key_file.empty()) {
        r.Fail(where + (tls_.cert_file.empty() ? ".cert_file" : ".key_file"),
               "is required too: mutual TLS needs both cert_file and key_file");
      }
      std::string bad_key, error;
      options_.tls = TlsContext::Make(tls_, bad_key, error);
      if (options_.tls == nullptr) r.Fail(where + "." + bad_key, error);
    }
    return std::make_unique<SyslogSink>(std::move(options_), std::move(formatter));
  }

 private:
  SyslogSinkOptions options_;
  bool has_address_ = false;
  size_t max_message_bytes_ = 0;  // 0: the transport's default
  std::string max_message_where_;
  TlsOptions tls_;
  std::vector<std::string> tls_keys_;  // where each TLS key was set, for "applies only to tls"
};

}  // namespace

std::unique_ptr<SinkBuilder> MakeSyslogSinkBuilder() {
  return std::make_unique<SyslogSinkBuilder>();
}

}  // namespace apisensor::exporters
