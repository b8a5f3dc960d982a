// The gRPC side of Collector.Stream: checks the bearer token, demands Hello first, answers
// Welcome with the last stored sequence, then acknowledges each batch once the core stored it
// (or already had it). A batch the core could not store ends the stream with UNAVAILABLE and no
// acknowledgement: the agent reconnects and sends it again.
#pragma once

#include <cstddef>
#include <string>

#include "apisensor/collector/v1/collector.grpc.pb.h"
#include "collector/collector.h"
#include "collector/stream_watchdog.h"

namespace apisensor::collector {

class StreamService final : public v1::Collector::Service {
 public:
  // `token` empty: no bearer token demanded. Beyond `max_streams` open streams, new ones are
  // refused with RESOURCE_EXHAUSTED. A stream that sends no Hello within `hello_timeout`, or no
  // message within `idle_timeout` after it, is ended.
  StreamService(Collector& collector, std::string token, size_t max_streams,
                std::chrono::milliseconds hello_timeout, std::chrono::milliseconds idle_timeout);

  grpc::Status Stream(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::CollectorMessage, v1::AgentMessage>* stream) override;

 private:
  bool Authorized(const grpc::ServerContext& context) const;
  grpc::Status Serve(grpc::ServerReaderWriter<v1::CollectorMessage, v1::AgentMessage>& stream,
                     StreamWatchdog::Watch& watch);
  grpc::Status Silent(const StreamWatchdog::Watch& watch);

  Collector& collector_;
  const std::string token_;
  const size_t max_streams_;
  StreamWatchdog watchdog_;
};

}  // namespace apisensor::collector
