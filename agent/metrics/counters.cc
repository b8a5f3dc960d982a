#include "agent/metrics/counters.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace apisensor::metrics {

std::vector<Counter> CollectCounters(const pipeline::Pipeline& pipeline,
                                     const capture::CaptureCounters& capture) {
  std::vector<Counter> out;
  out.reserve(48);
  for (int i = 0; i < APISENSOR_CNT_MAX; ++i) {
    out.push_back({capture::KernelCounterName(i), "Kernel-side counter (bpf/events.h)",
                   capture.kernel[static_cast<size_t>(i)]});
  }
  out.push_back({"tls_libraries_probed", "OpenSSL libraries whose TLS plaintext is captured",
                 capture.tls_libraries_probed, true});
  out.push_back({"tls_libraries_unprobeable",
                 "libssl files found that could not be probed (the log says why)",
                 capture.tls_libraries_unprobeable, true});
  const pipeline::PipelineStats& p = pipeline.stats();
  out.push_back({"records", "Ring buffer records received", p.records});
  out.push_back(
      {"malformed_records", "Records shorter than their header says", p.malformed_records});
  out.push_back({"data_events", "Data records received", p.data_events});
  out.push_back({"payload_bytes", "Payload bytes received", p.payload_bytes});
  out.push_back(
      {"filtered_events", "Data records dropped by --pid/--port/--comm", p.filtered_events});
  out.push_back({"other_protocol_events", "Data records of protocols not parsed (not HTTP)",
                 p.other_protocol_events});
  out.push_back({"exchanges_reported", "Exchanges written out", p.exchanges_reported});
  out.push_back({"duplicates_suppressed", "Client copies of exchanges reported by their server",
                 p.duplicates_suppressed});
  out.push_back({"copies_stopped",
                 "Client connections the kernel stopped copying because their server reports them",
                 p.copies_stopped});
  out.push_back({"close_events", "Socket close records", p.close_events});
  out.push_back({"exit_events", "Process exit records", p.exit_events});

  const tracker::ConnectionTable& table = pipeline.table();
  const tracker::TableStats& t = table.stats();
  out.push_back({"connections_open", "Connections tracked now", table.size(), true});
  out.push_back({"buffered_bytes", "Out-of-order bytes held now", table.buffered_bytes(), true});
  out.push_back({"connections_opened", "Connections tracked since start", t.opened});
  out.push_back({"connections_closed", "Connections ended by close()", t.closed});
  out.push_back(
      {"connections_process_exit", "Connections ended by their process's exit", t.process_exits});
  out.push_back({"evicted_idle", "Connections evicted after the idle timeout", t.evicted_idle});
  out.push_back(
      {"evicted_capacity", "Connections evicted because the table was full", t.evicted_capacity});
  out.push_back(
      {"evicted_memory", "Connections evicted because too many bytes were held", t.evicted_memory});

  const reassembly::StreamStats s = table.StreamStats();
  out.push_back(
      {"stream_delivered_bytes", "Bytes delivered in order to parsers", s.delivered_bytes});
  out.push_back(
      {"stream_gap_bytes", "Bytes known to be missing (drops, truncation, sendfile)", s.gap_bytes});
  out.push_back(
      {"stream_reordered_chunks", "Chunks that arrived ahead of their turn", s.reordered_chunks});
  out.push_back({"stream_duplicate_bytes", "Bytes received twice and trimmed", s.duplicate_bytes});
  out.push_back(
      {"stream_holes_timed_out", "Reorder holes given up after the timeout", s.holes_timed_out});
  out.push_back({"stream_holes_forced_by_cap", "Reorder holes given up because of buffer caps",
                 s.holes_forced_by_cap});

  const http1::Stats h = table.ParserStats();
  out.push_back({"http1_requests", "HTTP/1 requests parsed", h.requests});
  out.push_back({"http1_responses", "HTTP/1 final responses parsed", h.responses});
  out.push_back({"http1_informational", "HTTP/1 1xx responses skipped", h.informational});
  out.push_back(
      {"http1_orphan_responses", "Responses without a request to pair with", h.orphan_responses});
  out.push_back({"http1_pending_overflow", "Requests dropped: too many awaited a response",
                 h.pending_overflow});
  out.push_back(
      {"http1_parse_errors", "HTTP/1 parse errors (each followed by a resync)", h.parse_errors});
  out.push_back({"http1_resync_skipped_bytes", "Bytes skipped looking for a message start",
                 h.resync_skipped_bytes});
  out.push_back({"http1_gap_bytes_skipped", "Missing bytes absorbed inside known-length bodies",
                 h.gap_bytes_skipped});
  out.push_back(
      {"http1_gaps_broke_message", "Gaps that cost the message in progress", h.gaps_broke_message});

  const http2::Stats h2 = table.Http2Stats();
  out.push_back({"http2_frames", "HTTP/2 frames parsed", h2.frames});
  out.push_back({"http2_streams", "HTTP/2 streams seen", h2.streams});
  out.push_back({"http2_partial_exchanges", "HTTP/2 exchanges with unknown header state",
                 h2.partial_exchanges});
  out.push_back({"http2_reset_streams", "HTTP/2 RST_STREAM frames", h2.reset_streams});
  out.push_back({"http2_hpack_errors", "HTTP/2 header blocks that did not decode (state lost)",
                 h2.hpack_errors});
  out.push_back({"http2_undecoded_header_blocks", "HTTP/2 header blocks skipped after an error",
                 h2.undecoded_header_blocks});
  out.push_back({"http2_header_block_overflow", "HTTP/2 header blocks over the size cap",
                 h2.header_block_overflow});
  out.push_back({"http2_open_streams_overflow", "HTTP/2 streams reported early: too many open",
                 h2.open_streams_overflow});
  out.push_back({"http2_resync_skipped_bytes", "HTTP/2 bytes skipped looking for a frame",
                 h2.resync_skipped_bytes});
  out.push_back(
      {"http2_orphan_frames", "HTTP/2 responses for streams never seen", h2.orphan_frames});

  if (const k8s::Attributor* a = pipeline.attributor()) {
    const k8s::AttributionStats& k = a->stats();
    out.push_back(
        {"k8s_pods_known", "Exchanges whose own pod the Kubernetes directory knew", k.pods_known});
    out.push_back({"k8s_pods_unknown", "Exchanges from a pod the directory did not know (yet)",
                   k.pods_unknown});
    out.push_back(
        {"k8s_peers_resolved", "Exchanges whose remote address resolved to a pod", k.peers_pod});
    out.push_back({"k8s_peers_service", "Exchanges whose remote address resolved to a Service",
                   k.peers_service});
    if (const k8s::CgroupResolver* r = a->resolver()) {
      const k8s::CgroupResolverStats& c = r->stats();
      out.push_back({"cgroup_lookups", "Cgroup ids looked up for attribution", c.lookups});
      out.push_back({"cgroup_misses",
                     "Cgroup lookups not in the cache (the only ones with "
                     "syscalls)",
                     c.misses});
      out.push_back(
          {"cgroup_unresolved", "Cgroups gone or unreachable when looked up", c.unresolved});
      out.push_back({"cgroup_containers", "Cgroups resolved to a container or pod", c.containers});
      out.push_back(
          {"cgroup_cache_evicted", "Cgroup cache entries dropped because it was full", c.evicted});
    }
  }
  return out;
}

std::string RenderJson(const std::vector<Counter>& counters) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const Counter& c : counters) {
    const std::string key = c.labels.empty() ? c.name : c.name + "{" + c.labels + "}";
    writer.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    writer.Uint64(c.value);
  }
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string RenderStatusJson(const std::vector<Counter>& counters,
                             const std::vector<capture::TlsLibrary>& tls_libraries) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto string = [&writer](const std::string& s) {
    writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  writer.StartObject();
  writer.Key("tls_libraries");
  writer.StartArray();
  for (const capture::TlsLibrary& library : tls_libraries) {
    writer.StartObject();
    writer.Key("path");
    string(library.path);
    writer.Key("found_as");
    string(library.found_as);
    writer.Key("probed");
    writer.Bool(library.attached);
    if (library.attached) {
      writer.Key("probe_points");
      string(library.probe_points);
    } else {
      writer.Key("problem");
      string(library.problem);
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("counters");
  writer.StartObject();
  for (const Counter& c : counters) {
    const std::string key = c.labels.empty() ? c.name : c.name + "{" + c.labels + "}";
    writer.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    writer.Uint64(c.value);
  }
  writer.EndObject();
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string Label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string RenderPrometheus(const std::vector<Counter>& counters) {
  std::string out;
  out.reserve(counters.size() * 120);
  // A metric family's samples must be adjacent: group same-named counters, keeping their order.
  std::vector<const Counter*> sorted;
  sorted.reserve(counters.size());
  for (const Counter& c : counters) sorted.push_back(&c);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Counter* a, const Counter* b) { return a->name < b->name; });
  const std::string* previous = nullptr;
  for (const Counter* counter : sorted) {
    const Counter& c = *counter;
    const std::string name = "apisensor_" + c.name + (c.gauge ? "" : "_total");
    if (previous == nullptr || *previous != c.name) {
      out += "# HELP " + name + " " + c.help + "\n";
      out += "# TYPE " + name + (c.gauge ? " gauge\n" : " counter\n");
    }
    previous = &c.name;
    out += name;
    if (!c.labels.empty()) out += "{" + c.labels + "}";
    out += " " + std::to_string(c.value) + "\n";
  }
  return out;
}

}  // namespace apisensor::metrics
