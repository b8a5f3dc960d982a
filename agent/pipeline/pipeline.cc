#include "agent/pipeline/pipeline.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace apisensor::pipeline {
namespace {

constexpr uint64_t kSweepIntervalNs = 1'000'000'000;

SocketAddress ToAddress(const apisensor_endpoint& e) {
  SocketAddress a;
  a.family = e.family;
  a.port = e.port;
  std::memcpy(a.addr.data(), e.addr, sizeof(e.addr));
  return a;
}

std::string_view CommOf(const apisensor_event_header& h) {
  return {h.comm, strnlen(h.comm, sizeof(h.comm))};
}

Role RoleOf(uint8_t role) {
  switch (role) {
    case APISENSOR_ROLE_CLIENT:
      return Role::kClient;
    case APISENSOR_ROLE_SERVER:
      return Role::kServer;
    default:
      return Role::kUnknown;
  }
}

}  // namespace

Pipeline::Pipeline(const PipelineOptions& options, secrets::CredentialRedactor& redactor,
                   RecordOutput& output, int64_t monotonic_to_realtime_ns)
    : filters_(options.filters),
      redactor_(redactor),
      output_(output),
      monotonic_to_realtime_ns_(monotonic_to_realtime_ns),
      table_(options.table, options.connection, *this) {
  if (options.attribution.containers || options.attribution.pods != nullptr) {
    attributor_ = std::make_unique<k8s::Attributor>(options.attribution);
  }
}

void Pipeline::OnRecord(std::span<const uint8_t> record) {
  ++stats_.records;
  if (record.size() < sizeof(apisensor_event_header)) {
    ++stats_.malformed_records;
    return;
  }
  apisensor_event_header hdr;
  std::memcpy(&hdr, record.data(), sizeof(hdr));
  now_ns_ = std::max<uint64_t>(now_ns_, hdr.ts_ns);
  switch (hdr.kind) {
    case APISENSOR_EV_DATA: {
      if (record.size() < sizeof(apisensor_data_event)) {
        ++stats_.malformed_records;
        return;
      }
      // The ring hands out 8-byte aligned records, so the struct can be read in place.
      const auto& event = *reinterpret_cast<const apisensor_data_event*>(record.data());
      const size_t available = record.size() - sizeof(apisensor_data_event);
      if (event.captured > available || event.captured > event.size) {
        ++stats_.malformed_records;
        return;
      }
      OnDataRecord(event, record.subspan(sizeof(apisensor_data_event), event.captured));
      return;
    }
    case APISENSOR_EV_CLOSE:
      ++stats_.close_events;
      table_.Close({hdr.tgid, hdr.fd, hdr.sock}, hdr.ts_ns);
      return;
    case APISENSOR_EV_PROC_EXIT:
      ++stats_.exit_events;
      table_.CloseProcess(hdr.tgid, hdr.ts_ns);
      return;
    default:
      ++stats_.malformed_records;
  }
}

void Pipeline::OnDataRecord(const apisensor_data_event& event, std::span<const uint8_t> payload) {
  ++stats_.data_events;
  stats_.payload_bytes += payload.size();
  if (event.protocol != APISENSOR_PROTO_HTTP1 && event.protocol != APISENSOR_PROTO_HTTP2) {
    ++stats_.other_protocol_events;
    return;
  }
  const tracker::ConnectionKey key{event.hdr.tgid, event.hdr.fd, event.hdr.sock};
  tracker::Connection* connection = table_.Find(key);
  if (connection == nullptr) {
    if (!filters_.Matches(event.hdr.tgid, CommOf(event.hdr), event.local.port, event.remote.port)) {
      ++stats_.filtered_events;
      return;
    }
    tracker::ConnectionInfo info;
    info.key = key;
    info.role = RoleOf(event.role);
    if (info.role == Role::kUnknown) {
      // Opened before the agent and not self-describing (HTTP/2 frames): the side whose local
      // port is listening is the server; failing that, the side not on an ephemeral port.
      if (const std::optional<bool> listening =
              listening_ports_.IsListening(event.hdr.tgid, event.local.port, now_ns_)) {
        info.role = *listening ? Role::kServer : Role::kClient;
      } else if (IsEphemeralPort(event.local.port) != IsEphemeralPort(event.remote.port)) {
        // The process is gone: the side on an ephemeral port is the client.
        info.role = IsEphemeralPort(event.local.port) ? Role::kClient : Role::kServer;
      }
    }
    info.local = ToAddress(event.local);
    info.remote = ToAddress(event.remote);
    info.process.pid = event.hdr.tgid;
    info.process.comm = CommOf(event.hdr);
    info.process.cgroup_id = event.hdr.cgroup_id;
    info.tls = (event.flags & APISENSOR_DATA_TLS) != 0;
    info.http2 = event.protocol == APISENSOR_PROTO_HTTP2;
    connection = &table_.Open(info);
  }
  table_.Feed(*connection, event, payload);
}

void Pipeline::OnExchange(tracker::Connection& from, http::Exchange&& exchange) {
  const tracker::ConnectionInfo& info = from.info();
  if (info.role == Role::kClient &&
      (from.reported_by_peer() || table_.HasTracedServerPeer(from, now_ns_))) {
    ++stats_.duplicates_suppressed;
    if (!from.reported_by_peer()) {
      // Both ends live here and the server's copy is reported: parsing the client's copy too
      // would double the cost of every local exchange, in the kernel and here.
      from.MarkReportedByPeer();
      if (copy_control_) {
        copy_control_->StopCopying(info.key.tgid, info.key.fd, info.key.sock);
        ++stats_.copies_stopped;
      }
    }
    return;
  }
  ExchangeRecord& r = record_;
  r.http = std::move(exchange);
  const http::Request& request = r.http.request;
  r.ts_unix_ns = request.first_byte_ns + monotonic_to_realtime_ns_;
  r.latency_ns = 0;
  if (r.http.response && r.http.response->last_byte_ns > request.first_byte_ns) {
    r.latency_ns = r.http.response->last_byte_ns - request.first_byte_ns;
  }
  r.role = info.role == Role::kUnknown ? Role::kServer : info.role;
  r.protocol = r.http.grpc ? "grpc" : info.http2 ? "http/2" : "http/1.1";
  r.tls = info.tls;
  r.process = info.process;
  r.local = info.local;
  r.remote = info.remote;
  if (attributor_) {
    attributor_->Attribute(info.process, info.local, info.remote, now_ns_, r.k8s);
  } else {
    r.k8s = {};
  }
  secrets::ObserveAuth(r.http.request, r.auth);  // the last moment credentials are in clear
  redactor_.Redact(r.http.request);
  if (r.http.response) {
    redactor_.Redact(*r.http.response);
    redactor_.Redact(r.http.response->trailers);
  }
  output_.Write(r);
  ++stats_.exchanges_reported;
}

void Pipeline::Tick(uint64_t now_monotonic_ns) {
  now_ns_ = std::max(now_ns_, now_monotonic_ns);
  if (now_monotonic_ns < next_sweep_ns_) return;
  next_sweep_ns_ = now_monotonic_ns + kSweepIntervalNs;
  table_.Sweep(now_monotonic_ns);
}

void Pipeline::Shutdown(uint64_t now_monotonic_ns) {
  now_ns_ = std::max(now_ns_, now_monotonic_ns);
  table_.CloseAll(now_monotonic_ns);
  output_.Flush();
}

}  // namespace apisensor::pipeline
