#include "exporters/collector/collector_client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "apisensor/collector/v1/collector.grpc.pb.h"
#include "exporters/collector/publish_coalesce.h"
#include "exporters/collector/status_text.h"
#include "exporters/core/sink_runner.h"

#ifndef APISENSOR_VERSION
#define APISENSOR_VERSION "unknown"
#endif

namespace apisensor::exporters {
namespace {

constexpr uint32_t kSchemaVersion = 1;
// Publishes waiting for the encoder, each encoded into its own batch. It keeps up by far (a
// publish a second); beyond this burst a publish is folded into the last one waiting.
constexpr size_t kMaxHandoff = 8;
constexpr uint64_t kNever = UINT64_MAX;
// A batch the collector ends the stream on, again and again without acknowledging anything, is
// dropped after this many connections so it cannot hold up everything behind it.
constexpr int kPoisonStrikes = 3;

using Clock = std::chrono::steady_clock;

uint64_t NowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
          .count());
}

Clock::time_point AtNs(uint64_t ns) {
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(ns)));
}

uint64_t RandomInstanceId() {
  std::random_device rd;
  uint64_t id = 0;
  while (id == 0) id = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return id;
}

CollectorClientOptions Validated(CollectorClientOptions o) {
  ValidateCollectorOptions(o);
  if (o.agent_id.empty()) o.agent_id = DefaultAgentId();
  if (o.version.empty()) o.version = APISENSOR_VERSION;
  return o;
}

void LogToStderr(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

std::string Seconds(uint64_t ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

CollectorClient::CollectorClient(CollectorClientOptions options,
                                 const metrics::CounterBoard* counters, Log log)
    : options_(Validated(std::move(options))),
      counters_(counters),
      log_(log ? std::move(log) : Log(LogToStderr)),
      instance_id_(RandomInstanceId()),
      credentials_(ReadCollectorCredentials(options_)),
      encoder_(options_.max_batch_bytes, options_.max_tracked_findings),
      queue_(options_.max_queue_bytes, options_.max_queue_batches) {
  stats_.instance_id = instance_id_;
  encoder_thread_ = std::thread([this] { EncodeLoop(); });
  sender_thread_ = std::thread([this] { SendLoop(); });
}

CollectorClient::~CollectorClient() { Stop(); }

void CollectorClient::OnExchange(const ExchangeRecord& record,
                                 const inventory::ObservedEndpoint& endpoint) {
  if (!options_.exchanges || stopped_) return;
  if (pending_exchanges_.size() >= options_.max_pending_exchanges) {
    exchanges_dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  pending_exchanges_.push_back(SummarizeExchange(record, endpoint));
}

void CollectorClient::OnPublish(const inventory::Published& published) {
  if (stopped_) return;
  const uint64_t now = published.now_unix_ns;
  // A clock stepped back restarts the intervals rather than stalling them.
  if (now < last_snapshot_ns_) last_snapshot_ns_ = now;
  if (now < last_heartbeat_ns_) last_heartbeat_ns_ = now;
  PublishMaterials m;
  m.now_unix_ns = now;
  m.full_snapshot = snapshot_wanted_.exchange(false) ||
                    now - last_snapshot_ns_ >= options_.snapshot_interval_s * 1'000'000'000;
  m.heartbeat = last_heartbeat_ns_ == 0 ||
                now - last_heartbeat_ns_ >= options_.heartbeat_interval_s * 1'000'000'000;

  if (m.full_snapshot) {
    m.endpoints = published.view.endpoints;
    sent_services_.clear();
  } else {
    m.endpoints.assign(published.changed_endpoints.begin(), published.changed_endpoints.end());
    m.removed_ids.assign(published.removed_endpoint_ids.begin(),
                         published.removed_endpoint_ids.end());
  }
  // Services go when they changed: what the collector shows of them moves with their traffic.
  for (const inventory::ServiceView& service : published.view.services) {
    ServiceSignature sig{service.requests, service.last_seen_ns, service.endpoints,
                         service.endpoints_dropped, service.specs};
    auto [it, is_new] = sent_services_.try_emplace(service.name);
    if (!is_new && it->second == sig) continue;
    it->second = std::move(sig);
    m.services.push_back(service);
  }
  m.findings.assign(published.changed_findings.begin(), published.changed_findings.end());
  m.exchanges = std::move(pending_exchanges_);
  pending_exchanges_ = {};
  if (!m.full_snapshot && !m.heartbeat && m.items() == 0) return;
  if (m.full_snapshot) last_snapshot_ns_ = now;
  if (m.heartbeat) last_heartbeat_ns_ = now;

  {
    std::lock_guard lock(handoff_mu_);
    // Counted before the encoder can see it, so a full snapshot is always "on its way" from here
    // until it is queued.
    if (handoff_.size() < kMaxHandoff) {
      if (m.full_snapshot) ++snapshots_in_flight_;
      handoff_.push_back(std::move(m));
    } else {
      PublishMaterials& last = handoff_.back();
      const bool was_full = last.full_snapshot;
      const size_t lost = Coalesce(last, std::move(m), options_.max_pending_exchanges);
      if (!was_full && last.full_snapshot) ++snapshots_in_flight_;
      if (lost > 0) exchanges_dropped_.fetch_add(lost, std::memory_order_relaxed);
    }
  }
  handoff_cv_.notify_one();
}

void CollectorClient::NoteLoss(const QueueLoss& loss) {
  if (!loss.any()) return;
  stats_.batches_dropped += loss.batches;
  stats_.items_dropped += loss.items;
  // Endpoints, services and findings are totals: any later full snapshot still queued repairs
  // what the dropped batches held; without one, the next publish sends one.
  if (!SnapshotOnItsWay()) snapshot_wanted_ = true;
}

bool CollectorClient::SnapshotOnItsWay() const {
  return queue_.HasFullSnapshot() || snapshots_in_flight_.load() > 0;
}

bool CollectorClient::DrainOver() const {
  return stopping_ && ((encoder_done_ && queue_.empty()) || NowNs() >= drain_deadline_ns_);
}

bool CollectorClient::WaitUntil(std::unique_lock<std::mutex>& lock, uint64_t deadline_ns,
                                const std::function<bool()>& done) {
  while (!done()) {
    // Recomputed at every wake: Stop() may have set the drain deadline meanwhile.
    const uint64_t until = stopping_ ? std::min(deadline_ns, drain_deadline_ns_) : deadline_ns;
    if (until == kNever) {
      cv_.wait(lock);
      continue;
    }
    if (NowNs() >= until) return false;
    cv_.wait_until(lock, AtNs(until));
  }
  return true;
}

void CollectorClient::EncodeLoop() {
  while (true) {
    PublishMaterials m;
    {
      std::unique_lock lock(handoff_mu_);
      handoff_cv_.wait(lock, [&] { return encoder_stopping_ || !handoff_.empty(); });
      if (handoff_.empty()) break;
      m = std::move(handoff_.front());
      handoff_.pop_front();
      encoding_ = true;
    }
    HeartbeatInfo hb;
    if (m.heartbeat) {
      hb.version = options_.version;
      if (counters_ != nullptr) hb.counters = counters_->Snapshot();
      std::lock_guard lock(mu_);
      hb.batches_dropped = stats_.batches_dropped;
      hb.items_dropped = stats_.items_dropped;
      hb.queued_batches = queue_.size();
    }
    std::vector<EncodedBatch> batches = encoder_.Encode(m, hb, next_sequence_);
    const bool full = m.full_snapshot;
    m = {};  // lets go of the endpoint views before waiting again
    {
      std::lock_guard lock(mu_);
      for (EncodedBatch& b : batches) {
        QueuedBatch q{next_sequence_++, b.full_snapshot, b.items,
                      std::make_shared<const std::string>(std::move(b.message))};
        const QueueLoss loss = queue_.Push(std::move(q));
        if (b.full_snapshot && full) --snapshots_in_flight_;
        NoteLoss(loss);
        ++stats_.batches_built;
      }
      stats_.last_sequence = next_sequence_ - 1;
      stats_.findings_untracked = encoder_.findings_untracked();
    }
    cv_.notify_all();
    {
      std::lock_guard lock(handoff_mu_);
      encoding_ = false;
    }
    handoff_cv_.notify_all();
  }
  {
    std::lock_guard lock(mu_);
    encoder_done_ = true;
  }
  cv_.notify_all();
}

void CollectorClient::SendLoop() {
  Backoff backoff(options_.backoff_initial_ms, options_.backoff_max_ms, instance_id_ ^ NowNs());
  uint64_t poison_sequence = 0;
  int poison_strikes = 0;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (DrainOver()) break;
    }
    const ConnectionResult result = RunConnection();
    if (result.end == ConnectionEnd::kStopped) break;
    if (result.end == ConnectionEnd::kLost) {
      // A connection that worked restarts the backoff; one the collector ends at once does not,
      // so a collector in trouble is not hammered.
      if (result.acked_any || result.lasted_ns >= 10'000'000'000ULL) backoff.Reset();
      if (!result.acked_any && result.first_written != 0) {
        poison_strikes = result.first_written == poison_sequence ? poison_strikes + 1 : 1;
        poison_sequence = result.first_written;
      } else {
        poison_strikes = 0;
      }
      if (poison_strikes >= kPoisonStrikes) {
        poison_strikes = 0;
        bool dropped = false;
        {
          std::lock_guard lock(mu_);
          if (!queue_.empty() && queue_.front().sequence == poison_sequence) {
            NoteLoss(queue_.DropFront());
            dropped = true;
          }
        }
        if (dropped) {
          log_("apisensor: the collector at " + options_.address + " ended the stream " +
               std::to_string(kPoisonStrikes) + " times on batch " +
               std::to_string(poison_sequence) + " without storing it (" + result.reason +
               "); dropped that batch");
        }
      }
    }
    if (!down_reported_) {
      down_reported_ = true;
      log_(result.end == ConnectionEnd::kLost
               ? "apisensor: lost the connection to the collector at " + options_.address + ": " +
                     result.reason + "; reconnecting with backoff"
               : "apisensor: cannot reach the collector at " + options_.address + ": " +
                     result.reason + "; retrying with backoff");
    }
    const uint64_t wake_ns = NowNs() + backoff.NextDelayMs() * 1'000'000;
    std::unique_lock lock(mu_);
    WaitUntil(lock, wake_ns, [&] { return DrainOver(); });
  }
  std::lock_guard lock(mu_);
  sender_done_ = true;
  cv_.notify_all();
}

std::shared_ptr<grpc::Channel> CollectorClient::MakeChannel() {
  // Read again at every attempt so rotated certificates and tokens are picked up; a file that
  // became unreadable keeps the last good contents.
  try {
    credentials_ = ReadCollectorCredentials(options_);
  } catch (const std::exception&) {
  }
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options_.insecure) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = credentials_.ca_pem;  // "" for the system roots
    ssl.pem_cert_chain = credentials_.cert_pem;
    ssl.pem_private_key = credentials_.key_pem;
    creds = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  // A channel of our own per attempt, so our backoff alone decides when to try again (channels
  // to one address otherwise share a subchannel and its reconnect backoff).
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Notices a collector that vanished without closing the connection.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
  args.SetMaxSendMessageSize(
      -1);  // batches are bounded by max_batch_bytes, snapshots by the inventory
  return grpc::CreateCustomChannel(options_.address, creds, args);
}

// Waits for the channel to connect (TCP and TLS) or fail, so an unreachable collector is
// reported at once and a silent one within connect_timeout_ms, and Stop() is never held up by
// a connection attempt.
bool CollectorClient::WaitConnected(grpc::Channel& channel, uint64_t deadline_ns,
                                    std::string& reason) {
  grpc_connectivity_state state = channel.GetState(true);
  while (state != GRPC_CHANNEL_READY && state != GRPC_CHANNEL_TRANSIENT_FAILURE &&
         state != GRPC_CHANNEL_SHUTDOWN) {
    const uint64_t now = NowNs();
    {
      std::lock_guard lock(mu_);
      if (DrainOver()) return false;
    }
    if (now >= deadline_ns) {
      reason = "no connection within " + Seconds(options_.connect_timeout_ms);
      return false;
    }
    const auto slice = std::chrono::system_clock::now() +
                       std::chrono::nanoseconds(std::min<uint64_t>(deadline_ns - now, 100'000'000));
    channel.WaitForStateChange(state, slice);
    state = channel.GetState(true);
  }
  // In TRANSIENT_FAILURE the stream fails at once with gRPC's reason, which we report.
  return true;
}

CollectorClient::ConnectionResult CollectorClient::RunConnection() {
  ConnectionResult result;
  const uint64_t start_ns = NowNs();
  const uint64_t welcome_deadline_ns = start_ns + options_.connect_timeout_ms * 1'000'000;
  std::shared_ptr<grpc::Channel> channel = MakeChannel();
  if (!WaitConnected(*channel, welcome_deadline_ns, result.reason)) {
    std::lock_guard lock(mu_);
    result.end = DrainOver() ? ConnectionEnd::kStopped : ConnectionEnd::kNeverWelcomed;
    return result;
  }
  auto stub = collector_v1::Collector::NewStub(channel);
  grpc::ClientContext context;
  if (!credentials_.token.empty()) {
    context.AddMetadata("authorization", "Bearer " + credentials_.token);
  }
  {
    std::lock_guard lock(mu_);
    // Checked where live_context_ is published: Stop() cancels whatever context it finds there
    // once the drain time is up, and a later one must not start.
    if (DrainOver()) {
      result.end = ConnectionEnd::kStopped;
      return result;
    }
    live_context_ = &context;
    welcomed_ = false;
    stream_broken_ = false;
    sent_through_ = 0;
    acked_on_stream_ = false;
  }
  std::unique_ptr<
      grpc::ClientReaderWriter<collector_v1::AgentMessage, collector_v1::CollectorMessage>>
      stream = stub->Stream(&context);

  collector_v1::AgentMessage out;
  collector_v1::Hello* hello = out.mutable_hello();
  hello->set_agent_id(Utf8(options_.agent_id));
  hello->set_instance_id(instance_id_);
  hello->set_node(Utf8(HostName()));
  hello->set_version(Utf8(options_.version));
  hello->set_schema_version(kSchemaVersion);
  std::thread reader;
  if (stream->Write(out)) {
    reader = std::thread([this, s = stream.get()] {
      ReadLoop([s](collector_v1::CollectorMessage& in) { return s->Read(&in); });
    });
  } else {
    std::lock_guard lock(mu_);
    stream_broken_ = true;
  }

  bool welcomed = false;
  bool timed_out = false;
  bool graceful = false;
  {
    std::unique_lock lock(mu_);
    WaitUntil(lock, welcome_deadline_ns,
              [&] { return welcomed_ || stream_broken_ || DrainOver(); });
    welcomed = welcomed_;
    timed_out = !welcomed_ && !stream_broken_ && !DrainOver();
  }
  if (welcomed) {
    size_t backlog;
    {
      std::lock_guard lock(mu_);
      stats_.connected = true;
      if (ever_connected_) ++stats_.reconnects;
      backlog = queue_.size();
    }
    if (!ever_connected_) {
      log_("apisensor: streaming to the collector at " + options_.address);
    } else {
      log_("apisensor: reconnected to the collector at " + options_.address +
           (backlog > 0 ? "; resending " + std::to_string(backlog) + " unacknowledged batches"
                        : ""));
    }
    ever_connected_ = true;
    down_reported_ = false;

    std::shared_ptr<const std::string> bytes;
    while (true) {
      uint64_t sequence = 0;
      {
        std::unique_lock lock(mu_);
        // Once stopping, with everything written, this waits for the acks until the drain
        // deadline.
        WaitUntil(lock, kNever, [&] {
          return stream_broken_ || DrainOver() || queue_.FirstFrom(sent_through_ + 1) != nullptr;
        });
        if (stream_broken_) break;
        if (DrainOver()) {
          graceful = queue_.empty();
          break;
        }
        const QueuedBatch* next = queue_.FirstFrom(sent_through_ + 1);
        sequence = next->sequence;
        bytes = next->message;
        // Before the write: the collector may acknowledge it before Write returns, and an
        // acknowledged batch must already count as sent.
        sent_through_ = sequence;
        if (result.first_written == 0) result.first_written = sequence;
        ++stats_.batches_sent;
      }
      if (!out.ParseFromString(*bytes)) {
        // Our own encoder wrote it, so this is a bug, not the network: never let one batch hold
        // up the stream.
        std::lock_guard lock(mu_);
        NoteLoss(queue_.Drop(sequence));
        continue;
      }
      bytes.reset();
      if (!stream->Write(out)) break;
    }
  }

  if (graceful) {
    // Everything is acknowledged: close our side and let the collector end the call.
    stream->WritesDone();
    std::unique_lock lock(mu_);
    WaitUntil(lock, NowNs() + 1'000'000'000, [&] { return stream_broken_; });
  } else if (welcomed) {
    // A failed write means the call is over and the reader is about to see why; give it a moment
    // so the log says why rather than "cancelled". Stopping or past the drain time, no waiting.
    std::unique_lock lock(mu_);
    if (!stopping_) WaitUntil(lock, NowNs() + 2'000'000'000, [&] { return stream_broken_; });
  }
  context.TryCancel();  // no-op on a call already over
  if (reader.joinable()) reader.join();
  const grpc::Status status = stream->Finish();
  {
    std::lock_guard lock(mu_);
    live_context_ = nullptr;
    stats_.connected = false;
    result.acked_any = acked_on_stream_;
    result.end = DrainOver() ? ConnectionEnd::kStopped
                 : welcomed  ? ConnectionEnd::kLost
                             : ConnectionEnd::kNeverWelcomed;
  }
  result.lasted_ns = NowNs() - start_ns;
  if (timed_out) {
    result.reason = "no answer within " + Seconds(options_.connect_timeout_ms);
  } else if (status.ok()) {
    result.reason = "the collector ended the stream";
  } else {
    result.reason = DescribeStreamFailure(status);
  }
  return result;
}

void CollectorClient::ReadLoop(const std::function<bool(collector_v1::CollectorMessage&)>& read) {
  collector_v1::CollectorMessage in;
  while (read(in)) {
    std::lock_guard lock(mu_);
    if (in.has_welcome() && !welcomed_) {
      // What the collector already stored (from an earlier connection) is not sent again.
      // Never past what was built: a confused collector must not make us skip what it lacks.
      const uint64_t stored = std::min(in.welcome().last_stored_sequence(), stats_.last_sequence);
      stats_.batches_acked += queue_.RemoveThrough(stored);
      sent_through_ = stored;
      welcomed_ = true;
      // A collector that restarted may know nothing of us: make sure a full snapshot follows.
      if (!SnapshotOnItsWay()) snapshot_wanted_ = true;
    } else if (in.has_ack() && welcomed_) {
      // Never past what was written: a confused collector must not make us forget unsent ones.
      const size_t removed = queue_.RemoveThrough(std::min(in.ack().sequence(), sent_through_));
      stats_.batches_acked += removed;
      if (removed > 0) acked_on_stream_ = true;
    }
    cv_.notify_all();
  }
  std::lock_guard lock(mu_);
  stream_broken_ = true;
  cv_.notify_all();
}

void CollectorClient::Stop() {
  if (stopped_.exchange(true)) return;
  // The drain time starts now; the sender goes on sending while the encoder finishes.
  const uint64_t deadline = NowNs() + options_.drain_timeout_ms * 1'000'000;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    drain_deadline_ns_ = deadline;
  }
  cv_.notify_all();
  {
    std::lock_guard lock(handoff_mu_);
    encoder_stopping_ = true;
  }
  handoff_cv_.notify_all();
  encoder_thread_.join();  // encodes what was handed over first
  QueueLoss unencoded;     // from a publish that raced with Stop()
  {
    std::lock_guard lock(handoff_mu_);
    for (const PublishMaterials& m : handoff_) unencoded += QueueLoss{1, m.items()};
    handoff_.clear();
  }
  {
    std::unique_lock lock(mu_);
    if (!cv_.wait_until(lock, AtNs(deadline), [&] { return sender_done_; })) {
      // Past the deadline, every wait of the sender's is over; only a gRPC call can still hold
      // it (a write the collector does not read, a stream that is opening): cancel it, and any
      // stream opened meanwhile, until the sender is out.
      while (!sender_done_) {
        if (live_context_ != nullptr) live_context_->TryCancel();
        cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return sender_done_; });
      }
    }
  }
  sender_thread_.join();
  std::lock_guard lock(mu_);
  // Unacknowledged at the end: the collector may or may not have them, count them lost.
  NoteLoss(unencoded);
  NoteLoss(queue_.DropAll());
}

CollectorClientStats CollectorClient::stats() const {
  std::lock_guard lock(mu_);
  CollectorClientStats s = stats_;
  s.exchanges_dropped = exchanges_dropped_.load(std::memory_order_relaxed);
  s.queued_batches = queue_.size();
  s.queue_bytes = queue_.bytes();
  return s;
}

std::vector<metrics::Counter> CollectorClient::Counters() const {
  const CollectorClientStats s = stats();
  return {
      {"collector_connected", "1 while the stream to the collector is up", s.connected ? 1u : 0u,
       true},
      {"collector_batches_sent", "Batches written to the collector, resends included",
       s.batches_sent},
      {"collector_batches_acked", "Batches the collector acknowledged as stored", s.batches_acked},
      {"collector_batches_dropped",
       "Batches dropped unacknowledged (queue full while the collector was away, or at exit)",
       s.batches_dropped},
      {"collector_items_dropped", "Endpoints, services, findings and exchanges in dropped batches",
       s.items_dropped},
      {"collector_exchanges_dropped",
       "Exchange summaries dropped between two publishes (pending cap)", s.exchanges_dropped},
      {"collector_findings_untracked",
       "New findings beyond the tracked cap, sent once but missing from full snapshots",
       s.findings_untracked},
      {"collector_reconnects", "Connections to the collector made again after losing one",
       s.reconnects},
      {"collector_queued_batches", "Batches waiting for the collector's acknowledgement",
       s.queued_batches, true},
      {"collector_queue_bytes", "Bytes of batches waiting for the collector's acknowledgement",
       s.queue_bytes, true},
  };
}

bool CollectorClient::WaitEncoded(uint64_t timeout_ms) const {
  std::unique_lock lock(handoff_mu_);
  return handoff_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return handoff_.empty() && !encoding_; });
}

bool CollectorClient::WaitAcked(uint64_t timeout_ms) const {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  if (!WaitEncoded(timeout_ms)) return false;
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline, [&] { return queue_.empty(); });
}

}  // namespace apisensor::exporters
