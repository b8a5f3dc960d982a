// The syslog sink's keys as the export config reads them: defaults, and one clear sentence for
// each mistake.
#include <gtest/gtest.h>

#include <stdexcept>

#include "exporters/formats/cef/cef_formatter.h"
#include "exporters/syslog/syslog_sink.h"
#include "exporters/syslog/syslog_sink_builder.h"

namespace apisensor::exporters {
namespace {

using Node = const YAML::Node&;
using Where = const std::string&;

// Reads `yaml` as one sink entry the way the export config does, and builds the sink.
std::unique_ptr<Sink> Build(const std::string& yaml) {
  const config::YamlReader r("export.yaml");
  const YAML::Node node = r.Parse(yaml);
  std::unique_ptr<SinkBuilder> builder = MakeSyslogSinkBuilder();
  std::map<std::string, config::YamlReader::Handler> keys = {{"type", [](Node, Where) {}}};
  builder->AddKeys(r, keys);
  r.Section(node, "sinks[0]", keys);
  return builder->Build(r, "sinks[0]", SinkOptions{}, MakeCefFormatter({}));
}

std::string BuildError(const std::string& yaml) {
  try {
    Build(yaml);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(built)";
}

TEST(SyslogSinkBuilder, OffersCefFirst) {
  const std::vector<std::string_view> formats = MakeSyslogSinkBuilder()->formats();
  ASSERT_FALSE(formats.empty());
  EXPECT_EQ(formats.front(), "cef");
  EXPECT_NE(std::find(formats.begin(), formats.end(), "json"), formats.end());
  EXPECT_NE(std::find(formats.begin(), formats.end(), "ocsf"), formats.end());
}

TEST(SyslogSinkBuilder, BuildsWithDefaults) {
  EXPECT_NE(Build("{type: syslog, address: 'localhost:514'}"), nullptr);
  EXPECT_NE(Build("{type: syslog, address: '[::1]:6514', transport: tls, "
                  "insecure_skip_verify: true, facility: auth, app_name: api-sensor, "
                  "hostname: node-7, timeout_ms: 100, max_message_bytes: 100000}"),
            nullptr);
}

TEST(SyslogSinkBuilder, RefusesMistakesWithOneSentence) {
  const std::pair<const char*, const char*> cases[] = {
      {"{type: syslog}", "export.yaml: sinks[0].address is required: the receiver's host:port"},
      {"{type: syslog, address: 'siem:99999'}",
       "export.yaml: sinks[0].address must be host:port (siem.example.com:514, 10.0.0.5:6514 or "
       "[2001:db8::5]:514)"},
      {"{type: syslog, address: 'a:514', transport: sctp}",
       "export.yaml: sinks[0].transport must be one of udp, tcp, tls"},
      {"{type: syslog, address: 'a:514', facility: local9}",
       "export.yaml: sinks[0].facility must be one of kern, user, mail, daemon, auth, syslog, "
       "lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, clock, local0, local1, local2, "
       "local3, local4, local5, local6, local7"},
      {"{type: syslog, address: 'a:514', app_name: 'api sensor'}",
       "export.yaml: sinks[0].app_name must be 1 to 48 printable ASCII characters without spaces"},
      {"{type: syslog, address: 'a:514', max_message_bytes: 100000}",
       "export.yaml: sinks[0].max_message_bytes must be at most 65000 with transport udp"},
      {"{type: syslog, address: 'a:514', max_message_bytes: 100}",
       "export.yaml: sinks[0].max_message_bytes must be between 480 and 1048576"},
      {"{type: syslog, address: 'a:514', ca_file: /ca.pem}",
       "export.yaml: sinks[0].ca_file applies only to transport tls"},
      {"{type: syslog, address: 'a:6514', transport: tls}",
       "export.yaml: sinks[0].ca_file is required with transport tls, to verify the receiver (or "
       "set insecure_skip_verify: true)"},
      {"{type: syslog, address: 'a:6514', transport: tls, ca_file: /nonexistent/ca.pem}",
       "export.yaml: sinks[0].ca_file cannot be read: /nonexistent/ca.pem: No such file or "
       "directory"},
      {"{type: syslog, address: 'a:6514', transport: tls, insecure_skip_verify: true, "
       "cert_file: /c.pem}",
       "export.yaml: sinks[0].key_file is required too: mutual TLS needs both cert_file and "
       "key_file"},
      {"{type: syslog, address: 'a:514', port: 514}",
       "export.yaml: sinks[0].port is not a setting (known: address, app_name, ca_file, "
       "cert_file, facility, hostname, insecure_skip_verify, key_file, max_message_bytes, "
       "server_name, timeout_ms, transport, type)"},
  };
  for (const auto& [yaml, error] : cases) EXPECT_EQ(BuildError(yaml), error) << yaml;
}

TEST(SyslogSinkBuilder, RefusesAFileThatIsNoCertificate) {
  // This very source file exists but is no PEM certificate.
  const std::string error = BuildError(
      std::string("{type: syslog, address: 'a:6514', transport: tls, ca_file: ") + __FILE__ + "}");
  EXPECT_TRUE(error.starts_with("export.yaml: sinks[0].ca_file holds no usable PEM certificate: "))
      << error;
}

}  // namespace
}  // namespace apisensor::exporters
