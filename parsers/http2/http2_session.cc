#include "parsers/http2/http2_session.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace apisensor::http2 {
namespace {

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr size_t kFrameHeaderBytes = 9;
// A frame boundary found after lost bytes is trusted only if it looks like a frame of the default
// maximum size (peers may allow more, but a resync only has to succeed eventually).
constexpr uint32_t kResyncMaxFrame = 16384;
// Dynamic table limit given to the inflaters: generous, so a peer that advertised a large table
// before we joined does not fail decoding; memory stays bounded by it.
constexpr size_t kInflaterTableMax = 64 * 1024;
// Payload bytes kept of frames other than DATA and header blocks (SETTINGS, GOAWAY, ...).
constexpr size_t kControlPayloadMax = 1024;

enum FrameType : uint8_t {
  kData = 0,
  kHeaders = 1,
  kPriority = 2,
  kRstStream = 3,
  kSettings = 4,
  kPushPromise = 5,
  kPing = 6,
  kGoaway = 7,
  kWindowUpdate = 8,
  kContinuation = 9,
};
constexpr uint8_t kFlagEndStream = 0x1;
constexpr uint8_t kFlagEndHeaders = 0x4;
constexpr uint8_t kFlagPadded = 0x8;
constexpr uint8_t kFlagPriority = 0x20;
constexpr uint16_t kSettingsHeaderTableSize = 1;

struct FrameHeader {
  uint32_t length = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream = 0;
  bool reserved_bit = false;
};

FrameHeader DecodeFrameHeader(const uint8_t* b) {
  FrameHeader h;
  h.length = (uint32_t{b[0]} << 16) | (uint32_t{b[1]} << 8) | b[2];
  h.type = b[3];
  h.flags = b[4];
  h.reserved_bit = (b[5] & 0x80) != 0;
  h.stream =
      ((uint32_t{b[5]} & 0x7f) << 24) | (uint32_t{b[6]} << 16) | (uint32_t{b[7]} << 8) | b[8];
  return h;
}

// Whether 9 bytes at a chunk's start look like a frame header (after lost bytes or when the
// connection was joined mid-way). Strict: only known types, with their length and stream rules.
bool PlausibleFrame(const FrameHeader& h) {
  if (h.reserved_bit || h.length > kResyncMaxFrame) return false;
  switch (h.type) {
    case kData:
    case kHeaders:
    case kContinuation:
    case kPushPromise:
      return h.stream != 0;
    case kPriority:
      return h.stream != 0 && h.length == 5;
    case kRstStream:
      return h.stream != 0 && h.length == 4;
    case kSettings:
      return h.stream == 0 && h.length % 6 == 0 && (h.flags & ~1u) == 0;
    case kPing:
      return h.stream == 0 && h.length == 8;
    case kGoaway:
      return h.stream == 0 && h.length >= 8;
    case kWindowUpdate:
      return h.length == 4;
    default:
      return false;
  }
}

struct InflaterDeleter {
  void operator()(nghttp2_hd_inflater* p) const { nghttp2_hd_inflate_del(p); }
};
using Inflater = std::unique_ptr<nghttp2_hd_inflater, InflaterDeleter>;

Inflater NewInflater() {
  nghttp2_hd_inflater* p = nullptr;
  if (nghttp2_hd_inflate_new(&p) != 0) return nullptr;
  nghttp2_hd_inflate_change_table_size(p, kInflaterTableMax);
  return Inflater(p);
}

uint32_t ReadU32(const uint8_t* b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

}  // namespace

struct Session::Impl {
  // Cuts one direction's DATA into gRPC's length-prefixed messages: 1 byte flag, 4 bytes length.
  struct GrpcFramer {
    std::array<uint8_t, 5> prefix{};
    size_t prefix_have = 0;
    uint64_t payload_left = 0;
    bool in_payload = false;
  };

  struct Stream {
    http::Request request;
    std::optional<http::Response> response;
    bool request_done = false;
    bool partial = false;
    std::optional<http::Grpc> grpc;
    std::array<GrpcFramer, 2> framers;  // by Direction
  };

  // A header block being gathered from HEADERS/PUSH_PROMISE and its CONTINUATION frames.
  struct HeaderBlock {
    bool open = false;
    bool overflow = false;
    bool push = false;
    bool end_stream = false;
    uint32_t stream = 0;
    uint32_t promised = 0;
    std::vector<uint8_t> bytes;
  };

  struct Side {
    enum class Mode : uint8_t { kStart, kPreface, kFrames, kResync };
    Mode mode = Mode::kStart;
    size_t preface_seen = 0;
    std::array<uint8_t, kFrameHeaderBytes> header{};
    size_t header_have = 0;
    bool in_frame = false;
    FrameHeader frame;
    uint32_t frame_left = 0;
    // DATA frames are streamed: padding first (its length byte) and last.
    bool data_pad_pending = false;
    uint32_t data_pad = 0;
    std::vector<uint8_t> payload;  // other frames, up to their cap
    bool payload_overflow = false;
    HeaderBlock block;
    Inflater inflater = NewInflater();
    bool state_unknown = false;  // joined mid-way or after lost bytes: mark exchanges partial
    bool hpack_lost = false;     // a block failed: later blocks cannot be decoded
  };

  Impl(const Limits& l, http::ExchangeSink& s) : limits(l), sink(s) {}

  void OnData(Direction dir, std::span<const uint8_t> bytes, uint64_t ts) {
    Side& side = sides[static_cast<int>(dir)];
    size_t i = 0;
    if (side.mode == Side::Mode::kStart) {
      i = StartSide(dir, side, bytes);
      if (side.mode == Side::Mode::kStart) return;  // still too few bytes to tell
      if (side.mode == Side::Mode::kFrames && side.header_have == kFrameHeaderBytes) {
        // The server's first frame header is already gathered.
        BeginFrame(side, DecodeFrameHeader(side.header.data()));
        if (side.mode == Side::Mode::kFrames && side.frame_left == 0) EndFrame(dir, side, ts);
      }
    }
    if (side.mode == Side::Mode::kResync) {
      if (i > 0 || !StartsWithFrame(bytes)) {
        stats.resync_skipped_bytes += bytes.size() - std::min(i, bytes.size());
        return;
      }
      side.mode = Side::Mode::kFrames;
    }
    if (side.mode == Side::Mode::kPreface) {
      while (i < bytes.size() && side.preface_seen < kPreface.size()) {
        if (bytes[i] != static_cast<uint8_t>(kPreface[side.preface_seen])) {
          LoseFraming(side);
          return OnData(dir, bytes.subspan(i), ts);
        }
        ++side.preface_seen;
        ++i;
      }
      if (side.preface_seen < kPreface.size()) return;
      side.mode = Side::Mode::kFrames;
    }
    while (i < bytes.size() && side.mode == Side::Mode::kFrames) {
      if (!side.in_frame) {
        const size_t take = std::min(kFrameHeaderBytes - side.header_have, bytes.size() - i);
        std::memcpy(side.header.data() + side.header_have, bytes.data() + i, take);
        side.header_have += take;
        i += take;
        if (side.header_have < kFrameHeaderBytes) return;
        BeginFrame(side, DecodeFrameHeader(side.header.data()));
        if (side.mode != Side::Mode::kFrames) return;
        if (side.frame_left == 0) EndFrame(dir, side, ts);  // empty frames end at once
        continue;
      }
      const size_t take = std::min<size_t>(side.frame_left, bytes.size() - i);
      FramePayload(dir, side, bytes.subspan(i, take), ts);
      i += take;
      side.frame_left -= static_cast<uint32_t>(take);
      if (side.frame_left == 0) EndFrame(dir, side, ts);
    }
  }

  void OnGap(Direction dir, uint64_t missing, uint64_t /*ts*/) {
    stats.gap_bytes += missing;
    Side& side = sides[static_cast<int>(dir)];
    // Lost blocks may have added table entries: a fresh table, whose entries are then exactly the
    // newest of the peer's, decodes exactly or fails.
    side.inflater = NewInflater();
    side.hpack_lost = false;
    LoseFraming(side);
  }

  void OnClose(uint64_t ts) {
    for (auto& [id, stream] : streams) Emit(id, stream, ts, /*closed=*/true);
    streams.clear();
  }

  // The first bytes of a direction: the client's preface, a server's first SETTINGS, or else a
  // connection joined mid-way. Returns how many bytes it consumed: a server's first frame header
  // is gathered across calls (its first write may be cut anywhere).
  size_t StartSide(Direction dir, Side& side, std::span<const uint8_t> bytes) {
    if (dir == Direction::kClient) {
      const size_t n = std::min(bytes.size(), kPreface.size());
      if (n > 0 && std::memcmp(bytes.data(), kPreface.data(), n) == 0) {
        side.mode = Side::Mode::kPreface;
      } else {
        LoseFraming(side);
      }
      return 0;
    }
    const size_t take = std::min(kFrameHeaderBytes - side.header_have, bytes.size());
    std::memcpy(side.header.data() + side.header_have, bytes.data(), take);
    side.header_have += take;
    if (side.header_have < kFrameHeaderBytes) return take;
    const FrameHeader h = DecodeFrameHeader(side.header.data());
    if (h.type == kSettings && h.stream == 0 && h.flags == 0 && PlausibleFrame(h)) {
      side.mode = Side::Mode::kFrames;
      return take;
    }
    // Not the connection's start. A chunk that starts with a frame is still a place to begin.
    const bool at_chunk_start = take == kFrameHeaderBytes;
    LoseFraming(side);
    if (at_chunk_start && PlausibleFrame(h)) return 0;  // kResync re-reads it as a frame start
    return bytes.size();                                // skip the rest of this chunk
  }

  static bool StartsWithFrame(std::span<const uint8_t> bytes) {
    return bytes.size() >= kFrameHeaderBytes && PlausibleFrame(DecodeFrameHeader(bytes.data()));
  }

  void LoseFraming(Side& side) {
    side.mode = Side::Mode::kResync;
    side.state_unknown = true;
    side.in_frame = false;
    side.header_have = 0;
    side.payload.clear();
    side.payload_overflow = false;
    side.block = HeaderBlock{};
  }

  void BeginFrame(Side& side, const FrameHeader& h) {
    side.header_have = 0;
    if (h.length > limits.max_frame_bytes || h.reserved_bit ||
        (side.block.open && h.type != kContinuation)) {
      // Framing is lost (or a peer broke the CONTINUATION rule): the block in progress may have
      // changed the table, so the table starts afresh too.
      side.inflater = NewInflater();
      side.hpack_lost = false;
      LoseFraming(side);
      return;
    }
    ++stats.frames;
    side.in_frame = true;
    side.frame = h;
    side.frame_left = h.length;
    side.payload.clear();
    side.payload_overflow = false;
    side.data_pad_pending = h.type == kData && (h.flags & kFlagPadded) != 0;
    side.data_pad = 0;
  }

  void FramePayload(Direction dir, Side& side, std::span<const uint8_t> bytes, uint64_t ts) {
    if (side.frame.type != kData) {
      const size_t cap = side.frame.type == kHeaders || side.frame.type == kContinuation ||
                                 side.frame.type == kPushPromise
                             ? limits.max_header_block_bytes
                             : kControlPayloadMax;
      const size_t room = cap > side.payload.size() ? cap - side.payload.size() : 0;
      if (bytes.size() > room) side.payload_overflow = true;
      side.payload.insert(side.payload.end(), bytes.begin(),
                          bytes.begin() + static_cast<ptrdiff_t>(std::min(room, bytes.size())));
      return;
    }
    // DATA: [pad length] content [padding]
    size_t i = 0;
    if (side.data_pad_pending && !bytes.empty()) {
      side.data_pad = bytes[0];
      side.data_pad_pending = false;
      i = 1;
    }
    // Content ends where the trailing padding begins (a pad longer than the frame is all pad).
    const uint32_t left_after = side.frame_left - static_cast<uint32_t>(bytes.size());
    const size_t pad_here = left_after >= side.data_pad
                                ? 0
                                : std::min<size_t>(bytes.size(), side.data_pad - left_after);
    const size_t content_end = bytes.size() - pad_here;
    if (content_end > i) Body(dir, side.frame.stream, bytes.subspan(i, content_end - i), ts);
  }

  void FrameGrpc(Stream& s, Direction dir, std::span<const uint8_t> bytes) {
    GrpcFramer& f = s.framers[static_cast<int>(dir)];
    http::GrpcMessages& m = dir == Direction::kClient ? s.grpc->request : s.grpc->response;
    size_t i = 0;
    while (i < bytes.size() && !m.framing_error) {
      if (!f.in_payload) {
        const size_t take = std::min(f.prefix.size() - f.prefix_have, bytes.size() - i);
        std::memcpy(f.prefix.data() + f.prefix_have, bytes.data() + i, take);
        f.prefix_have += take;
        i += take;
        if (f.prefix_have < f.prefix.size()) return;
        if (f.prefix[0] > 1) {
          m.framing_error = true;
          return;
        }
        m.compressed = m.compressed || f.prefix[0] == 1;
        f.payload_left = ReadU32(f.prefix.data() + 1);
        f.prefix_have = 0;
        f.in_payload = true;
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(f.payload_left, bytes.size() - i));
      if (m.count == 0 && m.first.size() < limits.body_sample_bytes) {
        const size_t keep = std::min(take, limits.body_sample_bytes - m.first.size());
        m.first.append(reinterpret_cast<const char*>(bytes.data() + i), keep);
      }
      f.payload_left -= take;
      m.bytes += take;
      i += take;
      if (f.payload_left == 0) {
        ++m.count;
        f.in_payload = false;
      }
    }
  }

  void Body(Direction dir, uint32_t stream_id, std::span<const uint8_t> bytes, uint64_t ts) {
    auto it = streams.find(stream_id);
    if (it == streams.end()) return;
    if (it->second.grpc) FrameGrpc(it->second, dir, bytes);
    http::Message* m = dir == Direction::kClient
                           ? static_cast<http::Message*>(&it->second.request)
                           : (it->second.response ? &*it->second.response : nullptr);
    if (m == nullptr) return;
    m->body_size += bytes.size();
    const size_t room = limits.body_sample_bytes > m->body_sample.size()
                            ? limits.body_sample_bytes - m->body_sample.size()
                            : 0;
    m->body_sample.append(reinterpret_cast<const char*>(bytes.data()),
                          std::min(room, bytes.size()));
    m->last_byte_ns = ts;
  }

  void EndFrame(Direction dir, Side& side, uint64_t ts) {
    side.in_frame = false;
    const FrameHeader& h = side.frame;
    std::span<const uint8_t> p(side.payload);
    switch (h.type) {
      case kData:
        if (h.flags & kFlagEndStream) EndOfStream(dir, h.stream, ts);
        return;
      case kHeaders:
      case kPushPromise: {
        size_t skip = 0, pad = 0;
        if (h.flags & kFlagPadded) {
          if (p.empty()) return LoseFraming(side);
          pad = p[0];
          skip = 1;
        }
        uint32_t promised = 0;
        if (h.type == kHeaders && (h.flags & kFlagPriority)) skip += 5;
        if (h.type == kPushPromise) {
          if (p.size() < skip + 4) return LoseFraming(side);
          promised = ReadU32(p.data() + skip) & 0x7fffffff;
          skip += 4;
        }
        if (side.payload_overflow) {
          ++stats.header_block_overflow;
        } else if (skip + pad > p.size()) {
          return LoseFraming(side);
        }
        side.block = HeaderBlock{.open = true,
                                 .overflow = side.payload_overflow,
                                 .push = h.type == kPushPromise,
                                 .end_stream = (h.flags & kFlagEndStream) != 0,
                                 .stream = h.stream,
                                 .promised = promised,
                                 .bytes = {}};
        if (!side.payload_overflow) {
          side.block.bytes.assign(p.begin() + static_cast<ptrdiff_t>(skip),
                                  p.end() - static_cast<ptrdiff_t>(pad));
        }
        if (h.flags & kFlagEndHeaders) FinishBlock(dir, side, ts);
        return;
      }
      case kContinuation:
        if (!side.block.open || h.stream != side.block.stream) return LoseFraming(side);
        if (side.payload_overflow ||
            side.block.bytes.size() + p.size() > limits.max_header_block_bytes) {
          if (!side.block.overflow) ++stats.header_block_overflow;
          side.block.overflow = true;
          side.block.bytes.clear();
        } else if (!side.block.overflow) {
          side.block.bytes.insert(side.block.bytes.end(), p.begin(), p.end());
        }
        if (h.flags & kFlagEndHeaders) FinishBlock(dir, side, ts);
        return;
      case kRstStream:
        ++stats.reset_streams;
        if (auto it = streams.find(h.stream); it != streams.end()) {
          Emit(it->first, it->second, ts, /*closed=*/true);
          streams.erase(it);
        }
        return;
      case kSettings:
        if ((h.flags & 1) == 0) ApplySettings(dir, p);
        return;
      case kGoaway:
        ++stats.goaway;
        return;
      default:  // PRIORITY, PING, WINDOW_UPDATE, unknown types: nothing to report
        return;
    }
  }

  // A peer's SETTINGS_HEADER_TABLE_SIZE bounds the table the other side's encoder may use.
  void ApplySettings(Direction dir, std::span<const uint8_t> p) {
    Side& other = sides[1 - static_cast<int>(dir)];
    for (size_t i = 0; i + 6 <= p.size(); i += 6) {
      const uint16_t id = static_cast<uint16_t>((p[i] << 8) | p[i + 1]);
      const uint32_t value = ReadU32(p.data() + i + 2);
      if (id == kSettingsHeaderTableSize && value > kInflaterTableMax && other.inflater) {
        nghttp2_hd_inflate_change_table_size(other.inflater.get(),
                                             std::min<uint32_t>(value, 1u << 20));
      }
    }
  }

  // Decodes a complete header block; false (and the direction's HPACK state is lost) on error.
  bool Inflate(Side& side, const HeaderBlock& block, std::vector<http::Header>& out,
               bool& truncated) {
    if (side.hpack_lost || block.overflow || !side.inflater) {
      if (!side.hpack_lost && block.overflow) {
        // Skipping a block loses the entries it added.
        side.hpack_lost = true;
      }
      ++stats.undecoded_header_blocks;
      return false;
    }
    const uint8_t* in = block.bytes.data();
    size_t left = block.bytes.size();
    size_t kept_bytes = 0;
    out.reserve(16);  // most blocks fit: no regrowth per header
    for (;;) {
      nghttp2_nv nv;
      int flags = 0;
      const ssize_t used = nghttp2_hd_inflate_hd2(side.inflater.get(), &nv, &flags, in, left, 1);
      if (used < 0) {
        ++stats.hpack_errors;
        side.hpack_lost = true;
        out.clear();
        return false;
      }
      in += used;
      left -= static_cast<size_t>(used);
      if (flags & NGHTTP2_HD_INFLATE_EMIT) {
        const std::string_view name(reinterpret_cast<const char*>(nv.name), nv.namelen);
        const std::string_view value(reinterpret_cast<const char*>(nv.value), nv.valuelen);
        if (out.size() < limits.max_headers &&
            kept_bytes + name.size() + value.size() <= limits.max_header_bytes) {
          out.push_back({std::string(name), std::string(value)});
          kept_bytes += name.size() + value.size();
        } else {
          truncated = true;
        }
      }
      if (flags & NGHTTP2_HD_INFLATE_FINAL) {
        nghttp2_hd_inflate_end_headers(side.inflater.get());
        return true;
      }
      if (used == 0 && left == 0) return true;
    }
  }

  void FinishBlock(Direction dir, Side& side, uint64_t ts) {
    HeaderBlock block = std::move(side.block);
    side.block = HeaderBlock{};
    std::vector<http::Header> headers;
    bool truncated = false;
    const bool decoded = Inflate(side, block, headers, truncated);
    const bool partial = !decoded || side.state_unknown;
    if (block.push) {
      // A promised request: the server will answer it on the promised stream.
      Stream* s = OpenStream(block.promised, ts);
      if (s == nullptr) return;
      FillRequest(*s, headers, truncated, partial, ts);
      s->request_done = true;
      return;
    }
    if (dir == Direction::kClient) {
      auto it = streams.find(block.stream);
      Stream* s = it != streams.end() ? &it->second : OpenStream(block.stream, ts);
      if (s == nullptr) return;
      if (it != streams.end() && (!s->request.method.empty() || s->request_done)) {
        AppendHeaders(s->request.headers, headers, s->request.headers_truncated);  // trailers
      } else {
        FillRequest(*s, headers, truncated, partial, ts);
      }
      if (block.end_stream) {
        s->request_done = true;
        s->request.last_byte_ns = ts;
      }
      return;
    }
    auto it = streams.find(block.stream);
    if (it == streams.end()) {
      if (!side.state_unknown && !sides[0].state_unknown) {
        ++stats.orphan_frames;
        return;
      }
      // Joined mid-way: the request went by before we looked.
      Stream* s = OpenStream(block.stream, ts);
      if (s == nullptr) return;
      s->partial = true;
      s->request_done = true;
      it = streams.find(block.stream);
    }
    Stream& s = it->second;
    s.partial = s.partial || partial;
    if (!s.response) {
      http::Response response;
      response.first_byte_ns = ts;
      response.last_byte_ns = ts;
      response.version_major = 2;
      response.version_minor = 0;
      response.headers_truncated = truncated;
      response.headers.reserve(headers.size());
      for (auto& h : headers) {
        if (h.name == ":status") {
          response.status = static_cast<uint16_t>(std::atoi(h.value.c_str()));
        } else {
          response.headers.push_back(std::move(h));
        }
      }
      if (decoded && response.status >= 100 && response.status < 200) return;  // informational
      s.response = std::move(response);
      TakeGrpcStatus(s, s.response->headers);  // a trailers-only response
    } else {
      AppendHeaders(s.response->trailers, headers, s.response->headers_truncated);
      s.response->last_byte_ns = ts;
      TakeGrpcStatus(s, s.response->trailers);
    }
    if (block.end_stream) EndOfStream(dir, block.stream, ts);
  }

  void TakeGrpcStatus(Stream& s, const std::vector<http::Header>& headers) {
    if (!s.grpc) return;
    for (const http::Header& h : headers) {
      if (h.name == "grpc-status" && !h.value.empty() &&
          h.value.find_first_not_of("0123456789") == std::string::npos && h.value.size() <= 3) {
        s.grpc->status = std::atoi(h.value.c_str());
      } else if (h.name == "grpc-message") {
        s.grpc->message = h.value.substr(0, limits.max_target_bytes);
      }
    }
  }

  void AppendHeaders(std::vector<http::Header>& to, std::vector<http::Header>& from,
                     bool& truncated) {
    for (auto& h : from) {
      if (to.size() >= limits.max_headers) {
        truncated = true;
        break;
      }
      to.push_back(std::move(h));
    }
  }

  void FillRequest(Stream& s, std::vector<http::Header>& headers, bool truncated, bool partial,
                   uint64_t ts) {
    http::Request& r = s.request;
    r.version_major = 2;
    r.version_minor = 0;
    r.first_byte_ns = ts;
    r.last_byte_ns = ts;
    r.headers_truncated = truncated;
    s.partial = s.partial || partial;
    for (const auto& h : headers) {
      if (h.name == "content-type" && h.value.starts_with("application/grpc")) s.grpc.emplace();
    }
    r.headers.reserve(r.headers.size() + headers.size());
    for (auto& h : headers) {
      if (h.name == ":method") {
        r.method = std::move(h.value);
      } else if (h.name == ":path") {
        if (h.value.size() > limits.max_target_bytes) {
          h.value.resize(limits.max_target_bytes);
          r.headers_truncated = true;
        }
        r.target = std::move(h.value);
      } else if (r.headers.size() < limits.max_headers) {
        r.headers.push_back(std::move(h));  // :authority and :scheme stay, by their names
      } else {
        r.headers_truncated = true;  // a second request block on the stream, within the cap
      }
    }
  }

  Stream* OpenStream(uint32_t id, uint64_t ts) {
    if (streams.size() >= limits.max_open_streams) {
      // The oldest open stream gives way; it is reported as it stands.
      ++stats.open_streams_overflow;
      auto oldest = streams.begin();
      Emit(oldest->first, oldest->second, ts, /*closed=*/true);
      streams.erase(oldest);
    }
    ++stats.streams;
    return &streams[id];
  }

  void EndOfStream(Direction dir, uint32_t id, uint64_t ts) {
    auto it = streams.find(id);
    if (it == streams.end()) return;
    if (dir == Direction::kClient) {
      it->second.request_done = true;
      it->second.request.last_byte_ns = ts;
      return;
    }
    if (!it->second.response) return;
    it->second.response->last_byte_ns = ts;
    Emit(it->first, it->second, ts, /*closed=*/false);
    streams.erase(it);
  }

  // `closed`: the stream ends without its response's END_STREAM (reset, connection closed).
  void Emit(uint32_t id, Stream& s, uint64_t /*ts*/, bool closed) {
    http::Exchange exchange;
    exchange.stream_id = id;
    exchange.partial = s.partial;
    exchange.grpc = std::move(s.grpc);
    exchange.request = std::move(s.request);
    exchange.request.body_complete = s.request_done;
    if (s.response) {
      exchange.response = std::move(s.response);
      exchange.response->body_complete = !closed;
      exchange.end = http::ExchangeEnd::kComplete;
    } else {
      exchange.end = http::ExchangeEnd::kNoResponse;
    }
    ++stats.exchanges;
    if (exchange.partial) ++stats.partial_exchanges;
    sink.OnExchange(std::move(exchange));
  }

  Limits limits;
  http::ExchangeSink& sink;
  Stats stats;
  std::array<Side, 2> sides;
  std::map<uint32_t, Stream> streams;  // by id, so the oldest gives way first
};

Session::Session(const Limits& limits, http::ExchangeSink& sink)
    : impl_(std::make_unique<Impl>(limits, sink)) {}
Session::~Session() = default;

void Session::OnData(Direction dir, std::span<const uint8_t> bytes, uint64_t ts_ns) {
  impl_->OnData(dir, bytes, ts_ns);
}
void Session::OnGap(Direction dir, uint64_t missing, uint64_t ts_ns) {
  impl_->OnGap(dir, missing, ts_ns);
}
void Session::OnClose(uint64_t ts_ns) { impl_->OnClose(ts_ns); }
void Session::OpenUpgradedStream(http::Request request, uint64_t ts_ns) {
  Impl::Stream* s = impl_->OpenStream(1, ts_ns);
  s->request = std::move(request);
  s->request_done = true;
}
const Stats& Session::stats() const { return impl_->stats; }

}  // namespace apisensor::http2
