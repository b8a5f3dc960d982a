// Sends findings (and exchange summaries) to a syslog receiver as RFC 5424 messages over UDP,
// TCP or TLS; the message text is the configured format (CEF by default). A failed send is a
// retry for the runner, which re-sends the whole batch: over TCP and TLS delivery is at least
// once (a receiver that drops the connection mid-batch sees the start of it twice).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exporters/core/formatter.h"
#include "exporters/core/sink.h"
#include "exporters/syslog/host_port.h"
#include "exporters/syslog/syslog_message.h"
#include "exporters/syslog/tls_stream.h"

namespace apisensor::exporters::syslog {

class Transport;

enum class TransportKind { kUdp, kTcp, kTls };

struct SyslogSinkOptions {
  HostPort address;
  TransportKind transport = TransportKind::kUdp;
  HeaderFields header;                    // procid is filled in by the sink
  size_t max_message_bytes = 2048;        // whole message, header included; longer ones are cut
  int timeout_ms = 5000;                  // connect, handshake, and each stalled write
  std::shared_ptr<const TlsContext> tls;  // required for kTls
};

class SyslogSink final : public Sink {
 public:
  SyslogSink(SyslogSinkOptions options, std::unique_ptr<Formatter> formatter);
  ~SyslogSink() override;

  // Messages longer than max_message_bytes are cut (DeliveryResult::truncated); items the
  // format cannot express are sent as nothing (DeliveryResult::skipped).
  DeliveryResult Deliver(std::span<const ExportItemPtr> items) override;

 private:
  SyslogSinkOptions options_;
  std::unique_ptr<Formatter> formatter_;
  std::unique_ptr<Transport> transport_;
  std::vector<std::string> messages_;
};

// The sink's hostname when none is configured: this machine's name.
std::string LocalHostname();

}  // namespace apisensor::exporters::syslog
