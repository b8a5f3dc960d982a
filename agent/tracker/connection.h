// One traced HTTP/1 connection: the two byte streams put back in TCP order, and the parser that
// turns them into exchanges. Lives inside the ConnectionTable, which owns its lifetime.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "agent/exchange/exchange_record.h"
#include "agent/reassembly/stream.h"
#include "agent/tracker/connection_key.h"
#include "bpf/events.h"
#include "parsers/http1/http1_session.h"
#include "parsers/http2/http2_session.h"

namespace apisensor::tracker {

struct ConnectionInfo {
  ConnectionKey key;
  Role role = Role::kUnknown;
  SocketAddress local;
  SocketAddress remote;
  ProcessIdentity process;
  bool tls = false;    // the bytes are TLS plaintext from the process's SSL library
  bool http2 = false;  // the connection speaks HTTP/2 (else HTTP/1.x)
};

class Connection;

// Adds `from` into `to` (the parser's and reassembly's counters are plain structs).
void Accumulate(reassembly::StreamStats& to, const reassembly::StreamStats& from);
void Accumulate(http1::Stats& to, const http1::Stats& from);
void Accumulate(http2::Stats& to, const http2::Stats& from);

// Receives every exchange a connection completes, with the connection it came from (which the
// handler may mark, e.g. as reported by its peer).
class ExchangeHandler {
 public:
  virtual ~ExchangeHandler() = default;
  virtual void OnExchange(Connection& from, http::Exchange&& exchange) = 0;
};

struct ConnectionLimits {
  http1::Limits http1;
  http2::Limits http2;
  reassembly::StreamLimits stream;
};

class Connection final : private http::ExchangeSink {
 public:
  // `handler` must outlive the connection. Connections do not move: the parser keeps a
  // reference to its sink (this object).
  Connection(const ConnectionInfo& info, const ConnectionLimits& limits, ExchangeHandler& handler);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One data record of this connection.
  void OnData(const apisensor_data_event& event, std::span<const uint8_t> payload);

  // Gives up on holes in the streams that have waited longer than the reorder timeout.
  void Expire(uint64_t now_ns);

  // The connection ended (closed, its process exited, or it was evicted): flushes what is held
  // and reports requests still waiting for a response.
  void Close(uint64_t ts_ns);

  const ConnectionInfo& info() const { return info_; }
  // A client whose server is traced on this host: the server side reports its exchanges.
  bool reported_by_peer() const { return reported_by_peer_; }
  void MarkReportedByPeer() { reported_by_peer_ = true; }
  uint64_t last_seen_ns() const { return last_seen_ns_; }
  size_t buffered_bytes() const { return egress_.buffered_bytes() + ingress_.buffered_bytes(); }
  // The parser's counters; the other protocol's are all zero.
  http1::Stats http1_stats() const { return http1_ ? http1_->stats() : http1::Stats{}; }
  http2::Stats http2_stats() const { return http2_ ? http2_->stats() : http2::Stats{}; }
  reassembly::StreamStats stream_stats() const;

 private:
  // Feeds one direction's ordered bytes to the parser as requests or responses.
  class DirectionFeed final : public reassembly::StreamSink {
   public:
    DirectionFeed(Connection& owner, bool egress) : owner_(owner), egress_(egress) {}
    void OnBytes(std::span<const uint8_t> bytes, uint64_t ts_ns) override;
    void OnGap(uint64_t missing, uint64_t ts_ns) override;

   private:
    Connection& owner_;
    bool egress_;
  };

  void OnExchange(http::Exchange&& exchange) override;
  // After an `Upgrade: h2c` request was answered 101: HTTP/2 from here on, the upgraded request
  // answered on stream 1. `after` is the server's first HTTP/2 bytes if they shared the 101's
  // chunk.
  void SwitchToHttp2(std::string after, uint64_t ts_ns);
  http1::Direction ParserDirection(bool egress) const;
  http2::Direction Http2Direction(bool egress) const;

  ConnectionInfo info_;
  ExchangeHandler& handler_;
  uint64_t last_seen_ns_ = 0;
  bool reported_by_peer_ = false;
  reassembly::Stream egress_;
  reassembly::Stream ingress_;
  DirectionFeed egress_feed_{*this, true};
  DirectionFeed ingress_feed_{*this, false};
  // One of the two, by the protocol the kernel classified the connection as.
  std::unique_ptr<http1::Session> http1_;
  std::unique_ptr<http2::Session> http2_;
  http2::Limits http2_limits_;
  std::optional<http::Request> h2c_upgrade_;  // answered 101, waiting for the switch
};

}  // namespace apisensor::tracker
