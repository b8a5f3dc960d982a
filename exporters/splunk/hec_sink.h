// A Splunk HTTP Event Collector destination: each batch is one POST of concatenated HEC event
// objects (gzipped unless turned off), and with indexer acknowledgement on, a batch counts as
// delivered only once Splunk says it is indexed; unacknowledged batches are sent again.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "exporters/core/formatter.h"
#include "exporters/core/sink.h"
#include "exporters/splunk/hec_batch.h"
#include "exporters/splunk/hec_outcome.h"
#include "exporters/splunk/hec_url.h"

namespace httplib {
class Client;
}

namespace apisensor::exporters::splunk {

struct HecSinkConfig {
  HecUrl url;
  std::string token;       // never logged, never in an error
  std::string token_file;  // named in errors instead
  HecMetadata metadata;
  bool gzip = true;
  bool ack = false;
  uint64_t ack_timeout_ms = 10'000;
  uint64_t timeout_ms = 10'000;  // connect, each write and each read of a request
  std::string ca_file;           // empty: the system's CA store
  bool insecure_skip_verify = false;
};

class HecSink final : public Sink {
 public:
  HecSink(HecSinkConfig config, std::unique_ptr<Formatter> formatter);
  ~HecSink() override;
  HecSink(const HecSink&) = delete;
  HecSink& operator=(const HecSink&) = delete;

  DeliveryResult Deliver(std::span<const ExportItemPtr> items) override;

  // The X-Splunk-Request-Channel of this sink (a random UUID), sent when ack is on.
  const std::string& channel() const { return channel_; }

 private:
  struct Reply {
    bool ok = false;  // an HTTP answer arrived; else `error` says why not
    int status = 0;
    std::string body;  // at most 64 KiB
    std::string error;
  };

  Reply Post(const std::string& path, const std::string& body, bool gzipped);
  std::string TransportError(int error) const;
  DeliveryResult AwaitAck(uint64_t ack_id);
  DeliveryResult Scrubbed(DeliveryResult result) const;

  const HecSinkConfig config_;
  const std::unique_ptr<Formatter> formatter_;
  const HecContext context_;
  const std::string channel_;
  const std::string ack_target_;  // ack path with ?channel=
  std::unique_ptr<httplib::Client> client_;
  std::string body_;     // reused across batches
  std::string gzipped_;  // reused across batches
};

// A random RFC 4122 version 4 UUID, "8-4-4-4-12" lower-case hex.
std::string RandomUuid();

}  // namespace apisensor::exporters::splunk
