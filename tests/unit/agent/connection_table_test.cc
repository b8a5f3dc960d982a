// The connection table's caps and bookkeeping: every way a connection ends is counted.
#include "agent/tracker/connection_table.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/agent/record_builder.h"

namespace apisensor::tracker {
namespace {

using testing::Data;
using testing::SocketSide;

constexpr uint64_t kSecond = 1'000'000'000;
constexpr std::string_view kRequest = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";

class CollectingHandler final : public ExchangeHandler {
 public:
  void OnExchange(Connection& /*from*/, http::Exchange&& exchange) override {
    exchanges.push_back(std::move(exchange));
  }
  std::vector<http::Exchange> exchanges;
};

SocketAddress Loopback(uint16_t port) {
  SocketAddress a;
  a.family = 2;
  a.port = port;
  a.addr[0] = 127;
  a.addr[3] = 1;
  return a;
}

ConnectionInfo InfoOf(const SocketSide& side) {
  ConnectionInfo info;
  info.key = {side.tgid, side.fd, side.sock};
  info.role = side.role == APISENSOR_ROLE_CLIENT ? Role::kClient : Role::kServer;
  info.local = Loopback(side.local_port);
  info.remote = Loopback(side.remote_port);
  info.process.pid = side.tgid;
  return info;
}

SocketSide Side(int32_t fd, uint32_t tgid = 100) {
  SocketSide side;
  side.tgid = tgid;
  side.fd = fd;
  side.sock = 0xffff000000000000 + static_cast<uint64_t>(fd) * 0x100;
  side.remote_port = static_cast<uint16_t>(40000 + fd);
  return side;
}

class ConnectionTableTest : public ::testing::Test {
 protected:
  explicit ConnectionTableTest(TableLimits limits = Small()) : table_(limits, {}, handler_) {}
  static TableLimits Small() {
    TableLimits limits;
    limits.max_connections = 2;
    limits.max_buffered_bytes = 1000;
    limits.idle_timeout_ns = 10 * kSecond;
    limits.closed_server_memory_ns = 5 * kSecond;
    return limits;
  }
  // Opens `side` and feeds it a whole request at time `ts`.
  Connection& OpenWithRequest(const SocketSide& side, uint64_t ts) {
    Connection& c = table_.Open(InfoOf(side));
    const std::vector<uint8_t> record = Data(side, APISENSOR_DIR_INGRESS, 1, kRequest, ts);
    const auto& event = *reinterpret_cast<const apisensor_data_event*>(record.data());
    table_.Feed(c, event, std::span(record).subspan(sizeof(apisensor_data_event)));
    return c;
  }

  CollectingHandler handler_;
  ConnectionTable table_;
};

TEST_F(ConnectionTableTest, FullTableEvictsTheLeastRecentlyUsedAndReportsItsRequests) {
  OpenWithRequest(Side(1), 1);
  OpenWithRequest(Side(2), 2);
  ASSERT_NE(table_.Find({100, 1, Side(1).sock}), nullptr);  // 1 is now the most recent
  OpenWithRequest(Side(3), 3);
  EXPECT_EQ(table_.size(), 2u);
  EXPECT_EQ(table_.stats().evicted_capacity, 1u);
  EXPECT_EQ(table_.Find({100, 2, Side(2).sock}), nullptr);
  EXPECT_NE(table_.Find({100, 1, Side(1).sock}), nullptr);
  ASSERT_EQ(handler_.exchanges.size(), 1u);  // fd 2's request, unanswered
  EXPECT_EQ(handler_.exchanges[0].end, http::ExchangeEnd::kNoResponse);
}

TEST_F(ConnectionTableTest, IdleConnectionsAreSweptAndCounted) {
  OpenWithRequest(Side(1), 1 * kSecond);
  OpenWithRequest(Side(2), 8 * kSecond);
  table_.Sweep(12 * kSecond);
  EXPECT_EQ(table_.stats().evicted_idle, 1u);
  EXPECT_EQ(table_.size(), 1u);
  EXPECT_NE(table_.Find({100, 2, Side(2).sock}), nullptr);
}

TEST_F(ConnectionTableTest, BufferedBytesAreCappedByEvictingTheLeastRecentlyUsed) {
  // Each connection holds 600 bytes behind a hole; two of them break the 1,000-byte cap.
  auto hold_600 = [&](const SocketSide& side, uint64_t ts) {
    Connection& c = table_.Open(InfoOf(side));
    for (const auto& record :
         {Data(side, APISENSOR_DIR_INGRESS, 1, "GET", ts),
          Data(side, APISENSOR_DIR_INGRESS, 5000, std::string(600, 'x'), ts)}) {
      table_.Feed(c, *reinterpret_cast<const apisensor_data_event*>(record.data()),
                  std::span(record).subspan(sizeof(apisensor_data_event)));
    }
  };
  hold_600(Side(1), 1);
  EXPECT_EQ(table_.buffered_bytes(), 600u);
  hold_600(Side(2), 2);
  EXPECT_EQ(table_.stats().evicted_memory, 1u);
  EXPECT_EQ(table_.buffered_bytes(), 600u);
  EXPECT_EQ(table_.Find({100, 1, Side(1).sock}), nullptr);
  EXPECT_NE(table_.Find({100, 2, Side(2).sock}), nullptr);
}

TEST_F(ConnectionTableTest, ProcessExitEndsOnlyThatProcess) {
  OpenWithRequest(Side(1, 100), 1);
  OpenWithRequest(Side(2, 200), 1);
  table_.CloseProcess(100, 5);
  EXPECT_EQ(table_.stats().process_exits, 1u);
  EXPECT_EQ(table_.size(), 1u);
  EXPECT_NE(table_.Find({200, 2, Side(2, 200).sock}), nullptr);
}

TEST_F(ConnectionTableTest, ClosedServerStillVouchesForItsClientForAWhile) {
  const SocketSide server = Side(1);
  const SocketSide client_side = server.Peer(300, 4, 0xabc0, "curl");
  Connection& client = table_.Open(InfoOf(client_side));
  EXPECT_FALSE(table_.HasTracedServerPeer(client, 1));
  table_.Open(InfoOf(server));
  EXPECT_TRUE(table_.HasTracedServerPeer(client, 1));
  table_.Close({server.tgid, server.fd, server.sock}, 2 * kSecond);
  EXPECT_EQ(table_.stats().closed, 1u);
  EXPECT_TRUE(table_.HasTracedServerPeer(client, 6 * kSecond));
  EXPECT_FALSE(table_.HasTracedServerPeer(client, 8 * kSecond));
}

TEST_F(ConnectionTableTest, ReusedFdWithAnotherSocketIsAnotherConnection) {
  SocketSide first = Side(1);
  SocketSide reused = first;
  reused.sock += 0x10;
  table_.Open(InfoOf(first));
  EXPECT_EQ(table_.Find({reused.tgid, reused.fd, reused.sock}), nullptr);
}

TEST(TupleKeyTest, Ipv4AndIpv4MappedIpv6AreTheSameEndpoint) {
  SocketAddress v4 = Loopback(80);
  SocketAddress mapped;
  mapped.family = 10;
  mapped.port = 80;
  mapped.addr[10] = 0xff;
  mapped.addr[11] = 0xff;
  mapped.addr[12] = 127;
  mapped.addr[15] = 1;
  const SocketAddress peer = Loopback(5000);
  EXPECT_TRUE(TupleKey::Of(v4, peer) == TupleKey::Of(mapped, peer));
  EXPECT_FALSE(TupleKey::Of(v4, peer) == TupleKey::Of(peer, v4));
}

}  // namespace
}  // namespace apisensor::tracker
