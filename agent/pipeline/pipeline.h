// The agent's single-threaded path from kernel records to exchange records:
//   ring record → filters → connection table (reassembly + HTTP/1 parser) → exchange →
//   de-duplication → credential redaction → output.
// Nothing here blocks or locks; counters are plain integers read by the same thread, which
// publishes them (see Counters) for the metrics endpoint.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "agent/capture/bpf_capture.h"
#include "agent/k8s/cgroup/attributor.h"
#include "agent/pipeline/filters.h"
#include "agent/pipeline/listening_ports.h"
#include "agent/pipeline/record_output.h"
#include "agent/secrets/credential_redactor.h"
#include "agent/tracker/connection_table.h"

namespace apisensor::pipeline {

struct PipelineOptions {
  Filters filters;
  tracker::TableLimits table;
  tracker::ConnectionLimits connection;
  // Container and Kubernetes identity of each exchange (ExchangeRecord::k8s). Set
  // `attribution.pods` to the Kubernetes watch's directory; it stays nullptr in host mode.
  k8s::AttributionOptions attribution;
};

struct PipelineStats {
  uint64_t records = 0;
  uint64_t malformed_records = 0;  // shorter than their header says: a kernel/agent mismatch
  uint64_t data_events = 0;
  uint64_t payload_bytes = 0;
  uint64_t filtered_events = 0;
  uint64_t other_protocol_events = 0;  // data records of neither HTTP/1 nor HTTP/2
  uint64_t exchanges_reported = 0;
  uint64_t duplicates_suppressed = 0;  // client copies of exchanges reported by their server
  uint64_t copies_stopped = 0;  // client connections the kernel stopped copying (peer reports)
  uint64_t close_events = 0;
  uint64_t exit_events = 0;
};

class Pipeline final : public capture::RecordSink, private tracker::ExchangeHandler {
 public:
  // `redactor` and `output` must outlive the pipeline. `monotonic_to_realtime_ns` converts
  // kernel (CLOCK_MONOTONIC) timestamps to wall-clock time.
  Pipeline(const PipelineOptions& options, secrets::CredentialRedactor& redactor,
           RecordOutput& output, int64_t monotonic_to_realtime_ns);

  void OnRecord(std::span<const uint8_t> record) override;

  // Where to send "stop copying" for client connections whose server reports them. Optional;
  // must outlive the pipeline.
  void SetCopyControl(capture::CopyControl* control) { copy_control_ = control; }

  // Periodic upkeep (idle connections, reorder holes); cheap enough to call every poll.
  void Tick(uint64_t now_monotonic_ns);
  // Ends every connection, reporting requests still waiting for their response.
  void Shutdown(uint64_t now_monotonic_ns);

  const PipelineStats& stats() const { return stats_; }
  const tracker::ConnectionTable& table() const { return table_; }
  // nullptr when attribution is off (attribution.containers false and no directory).
  const k8s::Attributor* attributor() const { return attributor_.get(); }

 private:
  void OnDataRecord(const apisensor_data_event& event, std::span<const uint8_t> payload);
  void OnExchange(tracker::Connection& from, http::Exchange&& exchange) override;

  Filters filters_;
  ListeningPorts listening_ports_;
  secrets::CredentialRedactor& redactor_;
  RecordOutput& output_;
  capture::CopyControl* copy_control_ = nullptr;
  std::unique_ptr<k8s::Attributor> attributor_;
  int64_t monotonic_to_realtime_ns_;
  tracker::ConnectionTable table_;
  PipelineStats stats_;
  uint64_t now_ns_ = 0;
  uint64_t next_sweep_ns_ = 0;
  ExchangeRecord record_;  // reused: its strings and vectors keep their capacity
};

}  // namespace apisensor::pipeline
