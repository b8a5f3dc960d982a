#include "agent/pipeline/listening_ports.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace apisensor::pipeline {
namespace {

constexpr std::string_view kListenState = "0A";  // TCP_LISTEN

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::unordered_set<uint16_t> ParseListeningPorts(std::string_view text) {
  std::unordered_set<uint16_t> ports;
  size_t line_start = text.find('\n');  // the first line is the header
  while (line_start != std::string_view::npos && line_start + 1 < text.size()) {
    const size_t line_end = text.find('\n', line_start + 1);
    std::istringstream fields(std::string(text.substr(
        line_start + 1,
        line_end == std::string_view::npos ? std::string_view::npos : line_end - line_start - 1)));
    std::string slot, local, remote, state;
    if (fields >> slot >> local >> remote >> state && state == kListenState) {
      const size_t colon = local.rfind(':');
      if (colon != std::string::npos && local.size() - colon - 1 == 4) {
        try {
          ports.insert(static_cast<uint16_t>(std::stoul(local.substr(colon + 1), nullptr, 16)));
        } catch (const std::exception&) {
          // not a port: skip the line
        }
      }
    }
    line_start = line_end;
  }
  return ports;
}

bool IsEphemeralPort(uint16_t port) {
  static const std::pair<uint32_t, uint32_t> range = [] {
    std::pair<uint32_t, uint32_t> r{32768, 60999};  // the kernel's default
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    uint32_t low = 0, high = 0;
    if (in >> low >> high && low <= high) r = {low, high};
    return r;
  }();
  return port >= range.first && port <= range.second;
}

std::optional<bool> ListeningPorts::IsListening(uint32_t pid, uint16_t port, uint64_t now_ns) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end() || now_ns - it->second.read_ns >= kRefreshNs) {
    if (it == by_pid_.end() && by_pid_.size() >= kMaxProcesses) by_pid_.clear();
    const std::string dir = "/proc/" + std::to_string(pid) + "/net/";
    Entry entry;
    entry.read_ns = now_ns;
    for (const char* file : {"tcp", "tcp6"}) {
      if (const std::optional<std::string> text = ReadFile(dir + file)) {
        entry.readable = true;
        entry.ports.merge(ParseListeningPorts(*text));
      }
    }
    it = by_pid_.insert_or_assign(pid, std::move(entry)).first;
  }
  if (!it->second.readable) return std::nullopt;
  return it->second.ports.contains(port);
}

}  // namespace apisensor::pipeline
