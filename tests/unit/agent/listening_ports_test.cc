// Listening ports from /proc/net/tcp text, and from this test process's own namespace.
#include "agent/pipeline/listening_ports.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

namespace apisensor::pipeline {
namespace {

TEST(ListeningPortsTest, ParsesListenStateOnly) {
  const std::string text =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
      "   1: 0100007F:A3C2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0\n"
      "   2: 00000000000000000000000000000000:C351 00000000000000000000000000000000:0000 0A 0\n"
      "garbage\n";
  EXPECT_EQ(ParseListeningPorts(text), (std::unordered_set<uint16_t>{8080, 50001}));
  EXPECT_TRUE(ParseListeningPorts("").empty());
}

TEST(ListeningPortsTest, SeesThisProcesssListeningSocket) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const uint16_t port = ntohs(addr.sin_port);

  ListeningPorts ports;
  const uint32_t pid = static_cast<uint32_t>(getpid());
  EXPECT_EQ(ports.IsListening(pid, port, 1), true);
  EXPECT_EQ(ports.IsListening(pid, static_cast<uint16_t>(port + 1), 2), false);
  EXPECT_EQ(ports.IsListening(0xfffffff0u, port, 3), std::nullopt);  // no such process
  close(fd);
}

TEST(ListeningPortsTest, EphemeralRangeIsTheHosts) {
  EXPECT_FALSE(IsEphemeralPort(80));
  EXPECT_FALSE(IsEphemeralPort(8080));
  uint32_t low = 0, high = 0;
  FILE* f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(fscanf(f, "%u %u", &low, &high), 2);
  fclose(f);
  EXPECT_TRUE(IsEphemeralPort(static_cast<uint16_t>(low)));
  EXPECT_TRUE(IsEphemeralPort(static_cast<uint16_t>(high)));
  if (low > 1024) EXPECT_FALSE(IsEphemeralPort(static_cast<uint16_t>(low - 1)));
}

}  // namespace
}  // namespace apisensor::pipeline
