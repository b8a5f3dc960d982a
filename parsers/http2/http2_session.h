// One HTTP/2 connection: the client's and the server's byte streams, cut into frames, header
// blocks decoded with nghttp2's HPACK inflater (one per direction, so the dynamic table is kept),
// and one exchange per stream, paired by stream id.
//
// Same contract as http1::Session: the caller delivers each direction in order, reports lost
// bytes and the end. A connection joined mid-way (or after a gap) has unknown HPACK state: header
// blocks that still decode are exact (an unknown table entry makes the inflater fail, never guess)
// and every exchange of such a connection is marked partial; once a block fails, that direction's
// later blocks are not decoded at all, since the table has lost the entries the block added.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "parsers/http1/http_message.h"

namespace apisensor::http2 {

enum class Direction : uint8_t { kClient = 0, kServer = 1 };  // who sent the bytes

struct Limits {
  size_t max_headers = 64;                    // headers kept per message
  size_t max_header_bytes = 16 * 1024;        // name + value bytes kept per message
  size_t max_header_block_bytes = 64 * 1024;  // HEADERS + CONTINUATION bytes buffered
  size_t max_target_bytes = 4096;             // :path bytes kept
  size_t body_sample_bytes = 4096;            // DATA bytes kept per message
  size_t max_open_streams = 256;              // streams awaiting their end
  size_t max_frame_bytes = 16 * 1024 * 1024;  // larger frame lengths mean lost framing
};

struct Stats {
  uint64_t frames = 0;
  uint64_t streams = 0;                  // streams seen (request headers or push promise)
  uint64_t exchanges = 0;                // exchanges emitted
  uint64_t partial_exchanges = 0;        // of which partial
  uint64_t reset_streams = 0;            // RST_STREAM frames
  uint64_t goaway = 0;                   // GOAWAY frames
  uint64_t hpack_errors = 0;             // header blocks that did not decode (state lost)
  uint64_t undecoded_header_blocks = 0;  // blocks skipped after an HPACK error
  uint64_t header_block_overflow = 0;    // blocks larger than max_header_block_bytes
  uint64_t open_streams_overflow = 0;    // streams dropped because too many were open
  uint64_t resync_skipped_bytes = 0;     // bytes skipped looking for a frame boundary
  uint64_t gap_bytes = 0;                // bytes reported missing
  uint64_t orphan_frames = 0;            // response frames for a stream never seen
};

class Session {
 public:
  // `sink` must outlive the session.
  Session(const Limits& limits, http::ExchangeSink& sink);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Bytes of one direction, contiguous with what came before (or after an OnGap()).
  void OnData(Direction dir, std::span<const uint8_t> bytes, uint64_t ts_ns);
  // `missing` bytes of `dir` are lost here: the direction looks for the next chunk that starts
  // with a frame, and its HPACK state is unknown from then on.
  void OnGap(Direction dir, uint64_t missing, uint64_t ts_ns);
  // The connection switched to HTTP/2 from HTTP/1 (Upgrade: h2c): `request` went as HTTP/1 and
  // is answered on stream 1. Call before the first HTTP/2 bytes.
  void OpenUpgradedStream(http::Request request, uint64_t ts_ns);
  // The connection ended: every open stream is emitted (kNoResponse without a response, with
  // body_complete = false where a body was cut).
  void OnClose(uint64_t ts_ns);

  const Stats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apisensor::http2
