// Streams what the agent learns to the collector over gRPC (proto/apisensor/collector/v1): at
// each publish one batch of what changed (endpoints, removed ids, services, findings, exchange
// summaries), a heartbeat about every 10 s, and a full snapshot periodically and after every
// reconnect, so a restarted collector rebuilds this agent's inventory.
//
// Threads: the pipeline thread calls OnExchange/OnPublish, which only copy pointers and
// summaries and hand them over under a short lock (when the encoder is several publishes
// behind, a publish is folded into the last one waiting, see publish_coalesce.h); an encoder
// thread turns them into batches
// (endpoint codec, protobuf) and pushes them into a bounded queue; a sender thread connects,
// says Hello, reads Welcome and writes batches in sequence order; a reader thread per connection
// takes the Acks, which remove batches from the queue. Nothing the pipeline does waits on the
// network: a full queue drops its oldest batches (counted) and makes the next batch a full
// snapshot, so the collector's view repairs itself.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "agent/inventory/inventory_listener.h"
#include "agent/metrics/counters.h"
#include "exporters/collector/batch_encoder.h"
#include "exporters/collector/batch_queue.h"
#include "exporters/collector/collector_client_options.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace apisensor::exporters {

struct CollectorClientStats {
  bool connected = false;
  uint64_t batches_built = 0;
  uint64_t batches_sent = 0;  // handed to a stream (counted as the write starts), resends included
  uint64_t batches_acked = 0;
  // Queue full while the collector was away, unacknowledged at Stop(), or refused by the
  // collector again and again.
  uint64_t batches_dropped = 0;
  uint64_t items_dropped = 0;  // what those batches held
  // Summaries beyond max_pending_exchanges between publishes (or waiting for the encoder).
  uint64_t exchanges_dropped = 0;
  uint64_t findings_untracked = 0;
  uint64_t reconnects = 0;  // connections made after losing one
  uint64_t queued_batches = 0;
  uint64_t queue_bytes = 0;
  uint64_t instance_id = 0;
  uint64_t last_sequence = 0;  // of the newest batch built
};

class CollectorClient final : public inventory::InventoryListener {
 public:
  using Log = std::function<void(const std::string&)>;

  // Throws std::runtime_error with one sentence on bad options or unreadable files. `counters`,
  // when given, must outlive the client: heartbeats carry its latest snapshot. `log` receives
  // one line when the collector is lost and one when it is back (stderr by default).
  explicit CollectorClient(CollectorClientOptions options,
                           const metrics::CounterBoard* counters = nullptr, Log log = {});
  // Stop(), if not done yet.
  ~CollectorClient() override;
  CollectorClient(const CollectorClient&) = delete;
  CollectorClient& operator=(const CollectorClient&) = delete;

  bool wants_exchanges() const override { return options_.exchanges; }
  void OnExchange(const ExchangeRecord& record,
                  const inventory::ObservedEndpoint& endpoint) override;
  void OnPublish(const inventory::Published& published) override;

  // Sends what is queued until the collector acknowledged it all, for at most drain_timeout_ms
  // from the call (plus encoding what was published just before), then cancels the stream;
  // what is left is counted as dropped. Later publishes are ignored.
  void Stop();

  CollectorClientStats stats() const;
  std::vector<metrics::Counter> Counters() const;
  const CollectorClientOptions& options() const { return options_; }
  uint64_t instance_id() const { return instance_id_; }

  // For tests and benchmarks: blocks until every publish so far is encoded and queued.
  bool WaitEncoded(uint64_t timeout_ms) const;
  // For tests: blocks until the collector acknowledged everything queued.
  bool WaitAcked(uint64_t timeout_ms) const;

 private:
  enum class ConnectionEnd { kLost, kNeverWelcomed, kStopped };
  struct ConnectionResult {
    ConnectionEnd end = ConnectionEnd::kNeverWelcomed;
    std::string reason;          // why it ended, to end a sentence
    uint64_t first_written = 0;  // sequence of the first batch written on it
    bool acked_any = false;
    uint64_t lasted_ns = 0;
  };

  void EncodeLoop();
  void SendLoop();
  std::shared_ptr<grpc::Channel> MakeChannel();
  bool WaitConnected(grpc::Channel& channel, uint64_t deadline_ns, std::string& reason);
  // One stream, from opening to its end.
  ConnectionResult RunConnection();
  void ReadLoop(const std::function<bool(collector_v1::CollectorMessage&)>& read);
  void NoteLoss(const QueueLoss& loss);  // with mu_ held
  bool SnapshotOnItsWay() const;         // with mu_ held
  // Stop() began and either everything is acknowledged or the drain time is up: the sender
  // gives up what is left. With mu_ held.
  bool DrainOver() const;
  // Waits on cv_ until `done` holds (true) or `deadline_ns` passes (false); once Stop() began, no
  // later than the drain deadline, so nothing the sender waits for outlasts drain_timeout_ms.
  bool WaitUntil(std::unique_lock<std::mutex>& lock, uint64_t deadline_ns,
                 const std::function<bool()>& done);

  const CollectorClientOptions options_;
  const metrics::CounterBoard* counters_;
  Log log_;
  const uint64_t instance_id_;
  std::atomic<bool> stopped_{false};  // Stop() began; publishes are ignored from then on

  // Pipeline thread only.
  std::vector<ExchangeSummary> pending_exchanges_;
  uint64_t last_snapshot_ns_ = 0;
  uint64_t last_heartbeat_ns_ = 0;
  struct ServiceSignature {
    uint64_t requests = 0;
    uint64_t last_seen_ns = 0;
    uint64_t endpoints = 0;
    uint64_t endpoints_dropped = 0;
    std::vector<std::string> specs;
    bool operator==(const ServiceSignature&) const = default;
  };
  std::unordered_map<std::string, ServiceSignature> sent_services_;
  // Set by the other threads when the collector may lack part of the inventory.
  std::atomic<bool> snapshot_wanted_{true};
  std::atomic<uint64_t> exchanges_dropped_{0};
  // Full snapshots handed to the encoder and not queued yet: they count as queued for the
  // "is a snapshot on its way" question.
  std::atomic<int> snapshots_in_flight_{0};

  // Pipeline → encoder: at most kMaxHandoff publishes (collector_client.cc).
  mutable std::mutex handoff_mu_;
  mutable std::condition_variable handoff_cv_;
  std::deque<PublishMaterials> handoff_;
  bool encoding_ = false;
  bool encoder_stopping_ = false;

  // Sender thread only.
  CollectorCredentials credentials_;  // the last readable ones
  bool ever_connected_ = false;
  bool down_reported_ = false;  // the current outage was logged

  // Encoder thread only.
  BatchEncoder encoder_;
  uint64_t next_sequence_ = 1;

  // Encoder, sender, reader, and readers of stats.
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  BatchQueue queue_;
  CollectorClientStats stats_;
  bool stopping_ = false;
  uint64_t drain_deadline_ns_ = 0;
  bool encoder_done_ = false;  // everything published before Stop() is queued
  bool sender_done_ = false;
  grpc::ClientContext* live_context_ = nullptr;  // the open stream's, to cancel it at Stop()
  // The open stream, as the reader sees it.
  bool welcomed_ = false;
  bool stream_broken_ = false;
  uint64_t sent_through_ = 0;  // highest sequence written (or being written) on this stream
  bool acked_on_stream_ = false;

  std::thread encoder_thread_;
  std::thread sender_thread_;
};

}  // namespace apisensor::exporters
