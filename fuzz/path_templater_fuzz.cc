// Fuzzes path templating: the first 5 bytes choose small limits (so every cap and merge is
// reachable), the rest is paths separated by '\n', any bytes, observed one after another by
// one PathTemplater. Checks after each path: the template is printable ASCII starting with '/'
// and no longer than the caps allow, Lookup of the template gives it back (re-keying is a fixed
// point), Lookup of the raw path agrees with Observe, the node cap and a memory bound hold, and
// the generation never goes back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/templating/path_templater.h"

namespace {

using apisensor::templating::PathTemplater;
using apisensor::templating::TemplaterLimits;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool PrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  TemplaterLimits limits;
  limits.cardinality_threshold = 1 + data[0] % 8;
  limits.max_nodes = 8 + data[1] % 120;
  limits.max_children_per_node = 1 + data[2] % 16;
  limits.max_depth = 1 + data[3] % 8;
  limits.max_segment_bytes = 8 + data[4] % 40;
  PathTemplater templater(limits);
  std::string_view rest(reinterpret_cast<const char*>(data) + 5, size - 5);
  uint64_t generation = 0;
  // Nodes (28 B, up to 4 table slots of 8 B, label bytes twice over for arena slack), buffers.
  const size_t memory_bound = sizeof(PathTemplater) + 4096 + 2048 + 512 + 256 +
                              limits.max_nodes * (28 + 32 + 2 * limits.max_segment_bytes) +
                              limits.max_depth * 64 +
                              limits.max_depth * (3 * limits.max_segment_bytes + 1);
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const std::string_view path = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);

    const std::string tmpl(templater.Observe(path));
    Check(!tmpl.empty() && tmpl.front() == '/');
    Check(PrintableAscii(tmpl));
    Check(tmpl.size() <= limits.max_depth * (limits.max_segment_bytes + 1) + 6);
    Check(templater.node_count() <= limits.max_nodes);
    Check(templater.Lookup(tmpl) == tmpl);
    // A raw path without '{' cannot contain template tokens, so Lookup reads it as Observe did.
    if (path.find('{') == std::string_view::npos) Check(templater.Lookup(path) == tmpl);
    Check(templater.generation() >= generation);
    generation = templater.generation();
    Check(templater.stats().merges == generation);
    Check(templater.MemoryBytes() <= memory_bound);
  }
  return 0;
}
