#include "exporters/syslog/syslog_sink.h"

#include <unistd.h>

#include <chrono>
#include <climits>

#include "exporters/syslog/transport.h"

namespace apisensor::exporters::syslog {
namespace {

// Messages are handed to the transport in groups of about this many bytes: few writes, and a
// bounded buffer whatever the batch size.
constexpr size_t kSendChunkBytes = 64 * 1024;
constexpr size_t kProcIdMax = 128;

uint64_t WallClockNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

std::string LocalHostname() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "-";
  return HeaderField(name, 255);
}

SyslogSink::SyslogSink(SyslogSinkOptions options, std::unique_ptr<Formatter> formatter)
    : options_(std::move(options)), formatter_(std::move(formatter)) {
  options_.header.procid = HeaderField(std::to_string(getpid()), kProcIdMax);
  if (options_.transport == TransportKind::kUdp) {
    transport_ = MakeUdpTransport(options_.address, options_.timeout_ms);
  } else {
    transport_ =
        MakeStreamTransport(options_.address, options_.timeout_ms,
                            options_.transport == TransportKind::kTls ? options_.tls : nullptr);
  }
}

SyslogSink::~SyslogSink() = default;

DeliveryResult SyslogSink::Deliver(std::span<const ExportItemPtr> items) {
  const uint64_t now_ns = WallClockNs();
  uint64_t truncated = 0;
  uint64_t unformattable = 0;
  size_t pending_bytes = 0;
  messages_.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string message;
    AppendHeader(options_.header, *items[i], now_ns, message);
    if (!formatter_->Format(*items[i], message)) {
      ++unformattable;
    } else {
      if (Truncate(message, options_.max_message_bytes)) ++truncated;
      pending_bytes += message.size();
      messages_.push_back(std::move(message));
    }
    if (pending_bytes >= kSendChunkBytes || (i + 1 == items.size() && !messages_.empty())) {
      if (std::string error = transport_->Send(messages_); !error.empty()) {
        return {Delivery::kRetry, std::move(error)};
      }
      messages_.clear();
      pending_bytes = 0;
    }
  }
  return Delivered(unformattable, truncated);
}

}  // namespace apisensor::exporters::syslog
