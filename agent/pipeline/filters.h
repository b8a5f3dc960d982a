// Which processes and ports `apisensor trace --pid/--port/--comm` keeps. Empty lists match all;
// a connection must match every non-empty list.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace apisensor::pipeline {

struct Filters {
  std::vector<uint32_t> pids;
  std::vector<uint16_t> ports;  // local or remote
  std::vector<std::string> comms;

  bool Matches(uint32_t pid, std::string_view comm, uint16_t local_port,
               uint16_t remote_port) const {
    auto has = [](const auto& list, const auto& v) {
      return std::find(list.begin(), list.end(), v) != list.end();
    };
    if (!pids.empty() && !has(pids, pid)) return false;
    if (!ports.empty() && !has(ports, local_port) && !has(ports, remote_port)) return false;
    if (!comms.empty() && !has(comms, comm)) return false;
    return true;
  }
};

}  // namespace apisensor::pipeline
