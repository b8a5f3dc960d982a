// Which local TCP ports a process's network namespace listens on, from /proc/<pid>/net/tcp and
// tcp6. Tells the server side of a connection whose role the kernel could not see: one that
// predates the agent and speaks HTTP/2, whose frames do not say who sent them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace apisensor::pipeline {

// The local ports of sockets in LISTEN state in /proc/net/tcp-format text.
std::unordered_set<uint16_t> ParseListeningPorts(std::string_view proc_net_tcp);

// Whether `port` is in this host's ephemeral range (net.ipv4.ip_local_port_range), where the
// kernel picks a client's local port.
bool IsEphemeralPort(uint16_t port);

class ListeningPorts {
 public:
  // Whether `pid` (its network namespace) listens on `port`; nothing when its /proc entry
  // cannot be read (the process is gone). Reads /proc at most once a second per process, and
  // remembers at most kMaxProcesses processes.
  std::optional<bool> IsListening(uint32_t pid, uint16_t port, uint64_t now_ns);

 private:
  static constexpr size_t kMaxProcesses = 1024;
  static constexpr uint64_t kRefreshNs = 1'000'000'000;
  struct Entry {
    std::unordered_set<uint16_t> ports;
    uint64_t read_ns = 0;
    bool readable = false;
  };
  std::unordered_map<uint32_t, Entry> by_pid_;
};

}  // namespace apisensor::pipeline
