// Fuzzes the schema-less protobuf reader with any bytes, under small caps: it must refuse or
// summarise, never crash, and a summary must respect the caps.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "parsers/grpc/protobuf_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  apisensor::grpc::ProtoLimits limits;
  limits.max_fields = 32;
  limits.max_depth = 4;
  limits.max_text_bytes = 16;
  const auto fields = apisensor::grpc::DecodeProtobuf(std::span<const uint8_t>(data, size), limits);
  if (!fields) return 0;
  size_t count = 0;
  std::function<void(const std::vector<apisensor::grpc::ProtoField>&, int)> walk =
      [&](const std::vector<apisensor::grpc::ProtoField>& list, int depth) {
        if (!list.empty() && depth > limits.max_depth) __builtin_trap();
        for (const auto& f : list) {
          ++count;
          if (f.number == 0 || f.text.size() > limits.max_text_bytes) __builtin_trap();
          walk(f.message, depth + 1);
        }
      };
  walk(*fields, 0);
  if (count > limits.max_fields) __builtin_trap();
  (void)apisensor::grpc::ProtobufShape(*fields);
  return 0;
}
