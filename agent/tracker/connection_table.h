// Every connection being traced, bounded in count, memory and idle time. The least recently
// used connection is the one evicted, and every eviction is counted. Also answers "is the
// other end of this connection a server process traced on this host?", which is how an
// exchange seen by both ends is reported once, from the server side.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <unordered_map>

#include "agent/tracker/connection.h"
#include "agent/tracker/connection_key.h"

namespace apisensor::tracker {

struct TableLimits {
  size_t max_connections = 65536;
  size_t max_buffered_bytes = 64u << 20;       // out-of-order bytes held over all connections
  uint64_t idle_timeout_ns = 120'000'000'000;  // a connection silent this long is closed
  // A server connection that closed is remembered this long, so the client's copy of its last
  // exchange (often read after the server closed) is still recognised as a duplicate.
  uint64_t closed_server_memory_ns = 10'000'000'000;
  size_t max_closed_servers = 65536;
};

struct TableStats {
  uint64_t opened = 0;
  uint64_t closed = 0;         // close() seen
  uint64_t process_exits = 0;  // connections ended by their process's exit
  uint64_t evicted_idle = 0;
  uint64_t evicted_capacity = 0;  // max_connections reached
  uint64_t evicted_memory = 0;    // max_buffered_bytes reached
  uint64_t ended_at_shutdown = 0;
};

class ConnectionTable {
 public:
  ConnectionTable(const TableLimits& limits, const ConnectionLimits& connection_limits,
                  ExchangeHandler& handler);
  ~ConnectionTable();
  ConnectionTable(const ConnectionTable&) = delete;
  ConnectionTable& operator=(const ConnectionTable&) = delete;

  // The connection for `key`, or nullptr; marks it recently used.
  Connection* Find(const ConnectionKey& key);
  // Starts tracking a connection (evicting the least recently used one when full).
  Connection& Open(const ConnectionInfo& info);

  // Delivers a data record, keeping the memory account (and cap) up to date.
  void Feed(Connection& connection, const apisensor_data_event& event,
            std::span<const uint8_t> payload);

  void Close(const ConnectionKey& key, uint64_t ts_ns);
  void CloseProcess(uint32_t tgid, uint64_t ts_ns);
  // Periodic upkeep: expires reorder holes and evicts idle connections.
  void Sweep(uint64_t now_ns);
  // Ends everything (shutdown).
  void CloseAll(uint64_t ts_ns);

  // True when the mirror of this client connection is a traced server connection (live or
  // recently closed) on this host.
  bool HasTracedServerPeer(const Connection& client, uint64_t now_ns);

  size_t size() const { return index_.size(); }
  size_t buffered_bytes() const { return buffered_bytes_; }
  const TableStats& stats() const { return stats_; }
  // Parser and reassembly counters over every connection, live or gone.
  http1::Stats ParserStats() const;
  http2::Stats Http2Stats() const;
  reassembly::StreamStats StreamStats() const;

 private:
  struct Entry {
    template <typename... Args>
    explicit Entry(Args&&... args) : connection(std::forward<Args>(args)...) {}
    Connection connection;
    TupleKey tuple;
    bool indexed_as_server = false;
  };
  using Lru = std::list<Entry>;  // front: most recently used; nodes never move

  void Remove(Lru::iterator it, uint64_t ts_ns, uint64_t TableStats::*reason);
  void ForgetClosedServers(uint64_t now_ns);

  TableLimits limits_;
  ConnectionLimits connection_limits_;
  ExchangeHandler& handler_;
  Lru lru_;
  std::unordered_map<ConnectionKey, Lru::iterator, ConnectionKeyHash> index_;
  std::unordered_map<TupleKey, uint32_t, TupleKeyHash> live_servers_;
  std::unordered_map<TupleKey, uint64_t, TupleKeyHash> closed_servers_;  // tuple -> closed at
  std::deque<std::pair<uint64_t, TupleKey>> closed_order_;
  size_t buffered_bytes_ = 0;
  TableStats stats_;
  http1::Stats retired_parser_;
  http2::Stats retired_http2_;
  reassembly::StreamStats retired_stream_;
};

}  // namespace apisensor::tracker
