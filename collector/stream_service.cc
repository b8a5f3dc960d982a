#include "collector/stream_service.h"

#include <openssl/crypto.h>

namespace apisensor::collector {
namespace {

constexpr std::string_view kBearer = "Bearer ";

// Counts a stream as active for its lifetime.
class ActiveStream {
 public:
  explicit ActiveStream(std::atomic<uint64_t>& active) : active_(active) { ++active_; }
  ~ActiveStream() { --active_; }
  ActiveStream(const ActiveStream&) = delete;
  ActiveStream& operator=(const ActiveStream&) = delete;

 private:
  std::atomic<uint64_t>& active_;
};

// The agent counts as connected from its welcome to the end of the stream, however it ends.
class Connection {
 public:
  Connection(Collector& collector, std::string agent_id)
      : collector_(collector), agent_id_(std::move(agent_id)) {}
  ~Connection() { collector_.Goodbye(agent_id_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

 private:
  Collector& collector_;
  std::string agent_id_;
};

}  // namespace

StreamService::StreamService(Collector& collector, std::string token, size_t max_streams,
                             std::chrono::milliseconds hello_timeout,
                             std::chrono::milliseconds idle_timeout)
    : collector_(collector),
      token_(std::move(token)),
      max_streams_(max_streams),
      watchdog_(hello_timeout, idle_timeout) {}

bool StreamService::Authorized(const grpc::ServerContext& context) const {
  if (token_.empty()) return true;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return false;
  const std::string_view header(it->second.data(), it->second.size());
  if (header.size() != kBearer.size() + token_.size() || !header.starts_with(kBearer)) {
    return false;
  }
  // Constant time: the comparison must not tell an attacker how much of a guess was right.
  return CRYPTO_memcmp(header.data() + kBearer.size(), token_.data(), token_.size()) == 0;
}

grpc::Status StreamService::Stream(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::CollectorMessage, v1::AgentMessage>* stream) {
  StreamCounters& counters = collector_.stream_counters();
  if (!Authorized(*context)) {
    ++counters.unauthenticated;
    return {grpc::StatusCode::UNAUTHENTICATED,
            "this collector requires metadata 'authorization: Bearer <token>' with its token"};
  }
  ActiveStream active(counters.active);
  if (counters.active > max_streams_) {
    ++counters.over_capacity;
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "this collector already serves its maximum of " +
                                                      std::to_string(max_streams_) + " streams"};
  }
  StreamWatchdog::Watch watch(watchdog_, *context);
  return Serve(*stream, watch);
}

// A read that ended because the watchdog cancelled the stream: counted, and said why.
grpc::Status StreamService::Silent(const StreamWatchdog::Watch& watch) {
  if (!watch.timed_out()) return grpc::Status::OK;  // the agent closed it
  ++collector_.stream_counters().timed_out;
  return {grpc::StatusCode::DEADLINE_EXCEEDED,
          "the stream sent no Hello in time, or nothing for too long"};
}

grpc::Status StreamService::Serve(
    grpc::ServerReaderWriter<v1::CollectorMessage, v1::AgentMessage>& stream,
    StreamWatchdog::Watch& watch) {
  StreamCounters& counters = collector_.stream_counters();
  v1::AgentMessage message;
  if (!stream.Read(&message)) return Silent(watch);  // closed (or cut) before saying anything
  watch.Heard();
  if (!message.has_hello()) {
    ++counters.invalid;
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "the first message of a Collector.Stream must be a Hello (agent_id, instance_id)"};
  }
  const v1::Hello hello = message.hello();
  const HelloResult welcome = collector_.Hello(hello);
  if (welcome.outcome != HelloOutcome::kWelcome) {
    if (welcome.outcome == HelloOutcome::kInvalid) {
      ++counters.invalid;
      return {grpc::StatusCode::INVALID_ARGUMENT, welcome.message};
    }
    ++counters.over_capacity;
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, welcome.message};
  }
  Connection connection(collector_, hello.agent_id());
  ++counters.opened;
  v1::CollectorMessage reply;
  reply.mutable_welcome()->set_last_stored_sequence(welcome.last_stored_sequence);
  reply.mutable_welcome()->set_collector_version(APISENSOR_VERSION);
  if (!stream.Write(reply)) return grpc::Status::OK;  // the agent went away

  std::string error;
  while (stream.Read(&message)) {
    watch.Heard();
    if (!message.has_batch()) {
      ++counters.invalid;
      return {grpc::StatusCode::INVALID_ARGUMENT,
              "a Collector.Stream carries one Hello, then only batches"};
    }
    const BatchOutcome outcome =
        collector_.Apply(hello.agent_id(), hello.instance_id(), message.batch(), error);
    if (outcome == BatchOutcome::kFailed) {
      return {grpc::StatusCode::UNAVAILABLE, "the collector could not store batch " +
                                                 std::to_string(message.batch().sequence()) + ": " +
                                                 error};
    }
    reply.mutable_ack()->set_sequence(message.batch().sequence());
    if (!stream.Write(reply)) break;
  }
  return Silent(watch);
}

}  // namespace apisensor::collector
