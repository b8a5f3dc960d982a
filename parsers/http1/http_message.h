// Plain data for HTTP messages as the parsers emit them. No kernel, I/O or credential handling
// here: values are as seen on the wire (within caps), and the agent redacts before anything
// leaves it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace apisensor::http {

struct Header {
  std::string name;  // lower-cased
  std::string value;
};

struct Message {
  std::vector<Header> headers;
  uint64_t body_size = 0;      // decoded body bytes (chunked framing removed), including gaps
  std::string body_sample;     // the first bytes of the body, up to the sample cap
  uint64_t first_byte_ns = 0;  // timestamp of the chunk holding the first byte
  uint64_t last_byte_ns = 0;   // timestamp of the chunk holding the last byte
  uint8_t version_major = 1;
  uint8_t version_minor = 1;
  bool headers_truncated = false;  // more headers (or bytes) than the caps allow
  bool body_complete = true;       // false: ended by a gap or the connection's end

  // First header with this (lower-case) name, or nullptr.
  const Header* Find(std::string_view lower_name) const {
    for (const auto& h : headers) {
      if (h.name == lower_name) return &h;
    }
    return nullptr;
  }
};

struct Request : Message {
  std::string method;
  std::string target;  // the request-target as sent (path and query), capped
};

struct Response : Message {
  uint16_t status = 0;
  std::vector<Header> trailers;  // HTTP/2 trailing HEADERS (gRPC status lives there)
};

// Why an exchange was emitted.
enum class ExchangeEnd : uint8_t {
  kComplete,      // request and response both parsed
  kNoResponse,    // the connection ended (or was evicted) before a response
  kResponseLost,  // a gap in the response stream swallowed the response
};

// The length-prefixed messages of one direction of a gRPC call.
struct GrpcMessages {
  uint32_t count = 0;          // complete messages
  uint64_t bytes = 0;          // their payload bytes (before decompression)
  bool compressed = false;     // some message had the compressed flag
  bool framing_error = false;  // a prefix that cannot be gRPC's (flag other than 0 or 1)
  std::string first;           // the first message's payload, up to the body sample cap
};

// gRPC facts of an HTTP/2 exchange whose request said content-type application/grpc*.
struct Grpc {
  GrpcMessages request;
  GrpcMessages response;
  std::optional<int> status;  // grpc-status, from trailers or a trailers-only response
  std::string message;        // grpc-message
};

struct Exchange {
  Request request;
  std::optional<Response> response;
  ExchangeEnd end = ExchangeEnd::kComplete;
  uint32_t stream_id = 0;  // HTTP/2 stream; 0 for HTTP/1
  std::optional<Grpc> grpc;
  // Some of it could not be known: an HTTP/2 connection joined mid-way (or after lost bytes),
  // whose header compression state was missing. What is present is exact.
  bool partial = false;
};

// Receives the exchanges a parser completes, synchronously from inside its calls.
class ExchangeSink {
 public:
  virtual ~ExchangeSink() = default;
  virtual void OnExchange(Exchange&& exchange) = 0;
};

}  // namespace apisensor::http
