// Fuzzes what the agent reads to find OpenSSL: /proc/<pid>/maps text and machine code. A
// container's libssl is untrusted input, and decoding it must never crash the agent.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "agent/capture/openssl_internals.h"
#include "agent/capture/process_maps.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& file : apisensor::capture::ParseMaps(text)) {
    (void)apisensor::capture::IsLibsslName(file.path);
  }
  const std::span<const uint8_t> code(data, size);
  const uint64_t address = 0x400000;
  if (auto target = apisensor::capture::WrappedCallTarget(code, address)) (void)*target;
  if (auto offset = apisensor::capture::FirstEmulatedOffset(code, address)) {
    if (*offset >= size) __builtin_trap();  // an offset must point inside the code
  }
  (void)apisensor::capture::StartsWithPush(code, address);
  return 0;
}
