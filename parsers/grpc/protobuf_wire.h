// Reads a protobuf message without its schema, from the wire format alone: field numbers, wire
// types, strings where the bytes are UTF-8 text, nested messages where the bytes parse as one.
// For the schema inference and sensitive-data analysis of gRPC payloads; values stay in memory
// for that analysis and only the shape is ever written out.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace apisensor::grpc {

struct ProtoField {
  enum class Kind : uint8_t { kVarint, kFixed64, kFixed32, kString, kBytes, kMessage };
  uint32_t number = 0;
  Kind kind = Kind::kVarint;
  uint64_t scalar = 0;              // kVarint, kFixed64, kFixed32
  std::string text;                 // kString, kBytes (up to the cap)
  std::vector<ProtoField> message;  // kMessage
};

struct ProtoLimits {
  size_t max_fields = 128;      // in the whole tree
  int max_depth = 8;            // nesting of messages
  size_t max_text_bytes = 256;  // kept per string or bytes field
};

// The message's fields, or nothing when the bytes are not a well-formed message (truncated,
// wire type 3/4/6/7, field number 0, a length past the end).
std::optional<std::vector<ProtoField>> DecodeProtobuf(std::span<const uint8_t> bytes,
                                                      const ProtoLimits& limits = {});

// The fields' shape without values, e.g. "1:varint 2:string 3:{1:varint 2:fixed64}"; repeated
// fields appear once per occurrence, in wire order.
std::string ProtobufShape(const std::vector<ProtoField>& fields);

}  // namespace apisensor::grpc
