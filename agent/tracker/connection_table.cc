#include "agent/tracker/connection_table.h"

#include <iterator>

namespace apisensor::tracker {

ConnectionTable::ConnectionTable(const TableLimits& limits,
                                 const ConnectionLimits& connection_limits,
                                 ExchangeHandler& handler)
    : limits_(limits), connection_limits_(connection_limits), handler_(handler) {
  index_.reserve(1024);
}

ConnectionTable::~ConnectionTable() = default;

Connection* ConnectionTable::Find(const ConnectionKey& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->connection;
}

Connection& ConnectionTable::Open(const ConnectionInfo& info) {
  if (index_.size() >= limits_.max_connections && !lru_.empty()) {
    Remove(std::prev(lru_.end()), lru_.back().connection.last_seen_ns(),
           &TableStats::evicted_capacity);
  }
  lru_.emplace_front(info, connection_limits_, handler_);
  Entry& entry = lru_.front();
  entry.tuple = TupleKey::Of(info.local, info.remote);
  // Unknown roles parse as servers (see Connection), so they vouch for their clients too.
  if (info.role != Role::kClient) {
    entry.indexed_as_server = true;
    ++live_servers_[entry.tuple];
  }
  index_.emplace(info.key, lru_.begin());
  ++stats_.opened;
  return entry.connection;
}

void ConnectionTable::Feed(Connection& connection, const apisensor_data_event& event,
                           std::span<const uint8_t> payload) {
  const size_t before = connection.buffered_bytes();
  connection.OnData(event, payload);
  buffered_bytes_ = buffered_bytes_ - before + connection.buffered_bytes();
  while (buffered_bytes_ > limits_.max_buffered_bytes && lru_.size() > 1) {
    // The least recently used connection pays, which is not the one just fed.
    Remove(std::prev(lru_.end()), event.hdr.ts_ns, &TableStats::evicted_memory);
  }
}

void ConnectionTable::Close(const ConnectionKey& key, uint64_t ts_ns) {
  auto it = index_.find(key);
  if (it != index_.end()) Remove(it->second, ts_ns, &TableStats::closed);
}

void ConnectionTable::CloseProcess(uint32_t tgid, uint64_t ts_ns) {
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (it->connection.info().key.tgid == tgid) Remove(it, ts_ns, &TableStats::process_exits);
    it = next;
  }
}

void ConnectionTable::Sweep(uint64_t now_ns) {
  while (!lru_.empty()) {
    const uint64_t last_seen = lru_.back().connection.last_seen_ns();
    if (last_seen >= now_ns || now_ns - last_seen < limits_.idle_timeout_ns) break;
    Remove(std::prev(lru_.end()), now_ns, &TableStats::evicted_idle);
  }
  size_t buffered = 0;
  for (Entry& e : lru_) {
    e.connection.Expire(now_ns);
    buffered += e.connection.buffered_bytes();
  }
  buffered_bytes_ = buffered;
  ForgetClosedServers(now_ns);
}

void ConnectionTable::CloseAll(uint64_t ts_ns) {
  while (!lru_.empty()) Remove(lru_.begin(), ts_ns, &TableStats::ended_at_shutdown);
}

bool ConnectionTable::HasTracedServerPeer(const Connection& client, uint64_t now_ns) {
  const TupleKey mirror = TupleKey::Of(client.info().remote, client.info().local);
  if (live_servers_.contains(mirror)) return true;
  auto it = closed_servers_.find(mirror);
  return it != closed_servers_.end() && now_ns - it->second < limits_.closed_server_memory_ns;
}

void ConnectionTable::Remove(Lru::iterator it, uint64_t ts_ns, uint64_t TableStats::*reason) {
  Entry& entry = *it;
  const size_t held = entry.connection.buffered_bytes();
  // Closing may still emit exchanges, and a client's exchange asks whether its server is
  // traced: keep this entry indexed until Close() has returned.
  entry.connection.Close(ts_ns);
  buffered_bytes_ -= std::min(buffered_bytes_, held);
  Accumulate(retired_parser_, entry.connection.http1_stats());
  Accumulate(retired_http2_, entry.connection.http2_stats());
  Accumulate(retired_stream_, entry.connection.stream_stats());
  if (entry.indexed_as_server) {
    auto live = live_servers_.find(entry.tuple);
    if (live != live_servers_.end() && --live->second == 0) live_servers_.erase(live);
    if (closed_servers_.size() < limits_.max_closed_servers) {
      closed_servers_[entry.tuple] = ts_ns;
      closed_order_.emplace_back(ts_ns, entry.tuple);
    }
  }
  index_.erase(entry.connection.info().key);
  lru_.erase(it);
  ++(stats_.*reason);
}

void ConnectionTable::ForgetClosedServers(uint64_t now_ns) {
  while (!closed_order_.empty() &&
         now_ns - closed_order_.front().first >= limits_.closed_server_memory_ns) {
    auto it = closed_servers_.find(closed_order_.front().second);
    if (it != closed_servers_.end() && it->second == closed_order_.front().first) {
      closed_servers_.erase(it);
    }
    closed_order_.pop_front();
  }
}

http2::Stats ConnectionTable::Http2Stats() const {
  http2::Stats total = retired_http2_;
  for (const Entry& e : lru_) Accumulate(total, e.connection.http2_stats());
  return total;
}

http1::Stats ConnectionTable::ParserStats() const {
  http1::Stats total = retired_parser_;
  for (const Entry& e : lru_) Accumulate(total, e.connection.http1_stats());
  return total;
}

reassembly::StreamStats ConnectionTable::StreamStats() const {
  reassembly::StreamStats total = retired_stream_;
  for (const Entry& e : lru_) Accumulate(total, e.connection.stream_stats());
  return total;
}

}  // namespace apisensor::tracker
