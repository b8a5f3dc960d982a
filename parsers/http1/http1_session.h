// One HTTP/1.x connection: two byte streams (requests one way, responses the other) parsed with
// llhttp, and the exchanges they form, paired in order (so pipelining works).
//
// The caller (the agent's reassembly) delivers each direction's bytes in stream order, says how
// many bytes are missing where it lost some, and says when the connection ended. Nothing here
// reads the clock, allocates per byte, or grows without a cap.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>

#include "parsers/http1/http_message.h"

namespace apisensor::http1 {

enum class Direction : uint8_t { kRequest = 0, kResponse = 1 };

struct Limits {
  size_t max_headers = 64;              // headers kept per message; more sets headers_truncated
  size_t max_header_bytes = 16 * 1024;  // name + value bytes kept per message
  size_t max_target_bytes = 4096;       // request-target bytes kept
  size_t body_sample_bytes = 4096;      // body bytes kept per message
  size_t max_pending_requests = 128;    // requests awaiting a response (pipelining depth)
};

struct Stats {
  uint64_t requests = 0;              // requests parsed
  uint64_t responses = 0;             // final (non-1xx) responses parsed
  uint64_t informational = 0;         // 1xx responses skipped (100 Continue, 103 …)
  uint64_t orphan_responses = 0;      // responses with no request to pair with (dropped)
  uint64_t pending_overflow = 0;      // requests dropped because too many awaited a response
  uint64_t parse_errors = 0;          // llhttp errors (each followed by a resync)
  uint64_t resync_skipped_bytes = 0;  // bytes discarded while looking for a message start
  uint64_t gap_bytes_skipped = 0;     // missing bytes absorbed inside a body of known length
  uint64_t gaps_broke_message = 0;    // gaps that cost the message in progress
};

using ExchangeSink = http::ExchangeSink;

class Session {
 public:
  // `sink` must outlive the session.
  Session(const Limits& limits, ExchangeSink& sink);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // Bytes of one direction, contiguous with what came before (or after a Gap()). `ts_ns` is the
  // time the bytes were seen; messages take their first/last byte times from it.
  void OnData(Direction dir, std::span<const uint8_t> bytes, uint64_t ts_ns);

  // `missing` bytes of `dir` are lost at the current position. Inside a body whose remaining
  // length is known and at least `missing`, they are counted as body and parsing goes on;
  // otherwise the message in progress is cut short and the direction resynchronises at the next
  // chunk that starts a message.
  void OnGap(Direction dir, uint64_t missing, uint64_t ts_ns);

  // The connection ended: bodies delimited by the close complete, partial responses are emitted
  // with body_complete = false, and requests still waiting are emitted with kNoResponse.
  void OnClose(uint64_t ts_ns);

  // True once the connection left HTTP/1 (101 Switching Protocols, or a 2xx to CONNECT); later
  // bytes are ignored and should not be fed.
  bool upgraded() const;
  // The bytes that followed the switching message in its chunk (up to 64 KiB): the new
  // protocol's first bytes. Empty after the first call.
  std::string TakeBytesAfterUpgrade();

  const Stats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apisensor::http1
