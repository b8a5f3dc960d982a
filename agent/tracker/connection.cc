#include "agent/tracker/connection.h"

#include <cctype>

namespace apisensor::tracker {

Connection::Connection(const ConnectionInfo& info, const ConnectionLimits& limits,
                       ExchangeHandler& handler)
    : info_(info), handler_(handler), egress_(limits.stream), ingress_(limits.stream) {
  http::ExchangeSink& sink = *this;  // a private base: converted here, where it is visible
  if (info.http2) {
    http2_ = std::make_unique<http2::Session>(limits.http2, sink);
  } else {
    http1_ = std::make_unique<http1::Session>(limits.http1, sink);
  }
}

void Connection::OnData(const apisensor_data_event& event, std::span<const uint8_t> payload) {
  last_seen_ns_ = event.hdr.ts_ns;
  if (info_.role == Role::kUnknown && event.role != APISENSOR_ROLE_UNKNOWN) {
    info_.role = event.role == APISENSOR_ROLE_SERVER ? Role::kServer : Role::kClient;
  }
  const bool egress = event.direction == APISENSOR_DIR_EGRESS;
  reassembly::Stream& stream = egress ? egress_ : ingress_;
  stream.Add(event.seq, event.size, payload, event.hdr.ts_ns,
             egress ? static_cast<reassembly::StreamSink&>(egress_feed_) : ingress_feed_);
}

void Connection::Expire(uint64_t now_ns) {
  egress_.Expire(now_ns, egress_feed_);
  ingress_.Expire(now_ns, ingress_feed_);
}

void Connection::Close(uint64_t ts_ns) {
  // Requests first: a response can only pair with a request the parser has seen.
  if (ParserDirection(true) == http1::Direction::kRequest) {
    egress_.Drain(egress_feed_);
    ingress_.Drain(ingress_feed_);
  } else {
    ingress_.Drain(ingress_feed_);
    egress_.Drain(egress_feed_);
  }
  if (http1_) http1_->OnClose(ts_ns);
  if (http2_) http2_->OnClose(ts_ns);
}

void Accumulate(reassembly::StreamStats& to, const reassembly::StreamStats& from) {
  to.delivered_bytes += from.delivered_bytes;
  to.gap_bytes += from.gap_bytes;
  to.truncated_bytes += from.truncated_bytes;
  to.filler_bytes += from.filler_bytes;
  to.reordered_chunks += from.reordered_chunks;
  to.duplicate_bytes += from.duplicate_bytes;
  to.holes_timed_out += from.holes_timed_out;
  to.holes_forced_by_cap += from.holes_forced_by_cap;
}

void Accumulate(http1::Stats& to, const http1::Stats& from) {
  to.requests += from.requests;
  to.responses += from.responses;
  to.informational += from.informational;
  to.orphan_responses += from.orphan_responses;
  to.pending_overflow += from.pending_overflow;
  to.parse_errors += from.parse_errors;
  to.resync_skipped_bytes += from.resync_skipped_bytes;
  to.gap_bytes_skipped += from.gap_bytes_skipped;
  to.gaps_broke_message += from.gaps_broke_message;
}

void Accumulate(http2::Stats& to, const http2::Stats& from) {
  to.frames += from.frames;
  to.streams += from.streams;
  to.exchanges += from.exchanges;
  to.partial_exchanges += from.partial_exchanges;
  to.reset_streams += from.reset_streams;
  to.goaway += from.goaway;
  to.hpack_errors += from.hpack_errors;
  to.undecoded_header_blocks += from.undecoded_header_blocks;
  to.header_block_overflow += from.header_block_overflow;
  to.open_streams_overflow += from.open_streams_overflow;
  to.resync_skipped_bytes += from.resync_skipped_bytes;
  to.gap_bytes += from.gap_bytes;
  to.orphan_frames += from.orphan_frames;
}

reassembly::StreamStats Connection::stream_stats() const {
  reassembly::StreamStats total = egress_.stats();
  Accumulate(total, ingress_.stats());
  return total;
}

http1::Direction Connection::ParserDirection(bool egress) const {
  // A server reads requests and writes responses; a client does the opposite. A connection
  // whose role the kernel could not tell is treated as a server's (the side that reads first).
  const bool client = info_.role == Role::kClient;
  return egress == client ? http1::Direction::kRequest : http1::Direction::kResponse;
}

http2::Direction Connection::Http2Direction(bool egress) const {
  return ParserDirection(egress) == http1::Direction::kRequest ? http2::Direction::kClient
                                                               : http2::Direction::kServer;
}

void Connection::DirectionFeed::OnBytes(std::span<const uint8_t> bytes, uint64_t ts_ns) {
  if (auto& h2 = owner_.http2_) return h2->OnData(owner_.Http2Direction(egress_), bytes, ts_ns);
  if (owner_.http1_->upgraded()) return;  // no longer HTTP/1 (WebSocket, CONNECT tunnel …)
  owner_.http1_->OnData(owner_.ParserDirection(egress_), bytes, ts_ns);
  if (owner_.h2c_upgrade_) owner_.SwitchToHttp2(owner_.http1_->TakeBytesAfterUpgrade(), ts_ns);
}

void Connection::SwitchToHttp2(std::string after, uint64_t ts_ns) {
  http::ExchangeSink& sink = *this;
  http2_ = std::make_unique<http2::Session>(http2_limits_, sink);
  http2_->OpenUpgradedStream(std::move(*h2c_upgrade_), ts_ns);
  h2c_upgrade_.reset();
  info_.http2 = true;
  if (!after.empty()) {
    http2_->OnData(http2::Direction::kServer,
                   {reinterpret_cast<const uint8_t*>(after.data()), after.size()}, ts_ns);
  }
}

void Connection::DirectionFeed::OnGap(uint64_t missing, uint64_t ts_ns) {
  if (auto& h2 = owner_.http2_) return h2->OnGap(owner_.Http2Direction(egress_), missing, ts_ns);
  if (owner_.http1_->upgraded()) return;
  owner_.http1_->OnGap(owner_.ParserDirection(egress_), missing, ts_ns);
}

namespace {

// A request that asked to switch to HTTP/2 in the clear, answered 101 Switching Protocols.
bool IsH2cUpgrade(const http::Exchange& e) {
  if (!e.response || e.response->status != 101) return false;
  const http::Header* upgrade = e.request.Find("upgrade");
  if (upgrade == nullptr) return false;
  std::string value = upgrade->value;
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value.find("h2c") != std::string::npos;
}

}  // namespace

void Connection::OnExchange(http::Exchange&& exchange) {
  if (!http2_ && IsH2cUpgrade(exchange)) {
    // Not reported now: the answer to this request comes on HTTP/2 stream 1.
    h2c_upgrade_ = std::move(exchange.request);
    return;
  }
  handler_.OnExchange(*this, std::move(exchange));
}

}  // namespace apisensor::tracker
