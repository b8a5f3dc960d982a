#include "parsers/http1/http1_session.h"

#include <llhttp.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "parsers/http1/message_builder.h"
#include "parsers/http1/message_start_probe.h"

namespace apisensor::http1 {
namespace {

// A gap absorbed inside a body is mostly accounted by hand; one byte of it goes through llhttp so
// that the parser itself notices when the body (or chunk) ends exactly at the gap's end.
constexpr uint8_t kGapFillByte = 0;

// Room for the headers of a typical message from the start: growing one at a time from empty
// cost four reallocations (each moving every header) per message with a handful of headers.
constexpr size_t kInitialHeaderCapacity = 16;

bool IsInformational(uint16_t status) { return status >= 100 && status < 200 && status != 101; }

}  // namespace

struct Session::Impl {
  // One direction: its parser, its resync state and the message being built.
  struct Stream {
    Stream(Impl& o, Direction d)
        : owner(&o), dir(d), probe(d == Direction::kRequest), builder(o.limits) {}

    http::Message& msg() {
      return dir == Direction::kRequest ? static_cast<http::Message&>(request) : response;
    }
    void StartMessage();

    Impl* owner;
    Direction dir;
    llhttp_t parser{};
    MessageStartProbe probe;
    MessageBuilder builder;
    uint64_t probe_ts = 0;
    uint64_t ts = 0;         // time of the chunk being parsed
    bool seeking = true;     // discarding bytes until a chunk starts a message
    bool finishing = false;  // inside llhttp_finish: no bytes, so no timestamps
    bool in_message = false;
    bool headers_done = false;
    bool identity_body = false;
    bool in_chunk_data = false;
    bool upgrade_on_complete = false;
    // The request was already paired with a response that came before its body ended; the rest
    // of it is parsed only to stay in step.
    bool answered = false;
    http::Request request;
    http::Response response;
  };

  Impl(const Limits& l, ExchangeSink& s)
      : limits(l), sink(s), req(*this, Direction::kRequest), resp(*this, Direction::kResponse) {
    llhttp_init(&req.parser, HTTP_REQUEST, &Settings());
    req.parser.data = &req;
    llhttp_init(&resp.parser, HTTP_RESPONSE, &Settings());
    resp.parser.data = &resp;
  }

  Stream& stream(Direction d) { return d == Direction::kRequest ? req : resp; }

  void OnData(Stream& s, std::span<const uint8_t> bytes, uint64_t ts);
  void OnGap(Stream& s, uint64_t missing, uint64_t ts);
  void OnClose();
  void Execute(Stream& s, std::span<const uint8_t> bytes, uint64_t ts);
  void Cut(Stream& s);
  void Seek(Stream& s);

  void PushPending(http::Request&& request);
  void OnResponseComplete(Stream& s);
  const http::Request* PairTarget() const;
  bool EarlyAnswerable() const;
  void Emit(http::Request&& request, std::optional<http::Response>&& response,
            http::ExchangeEnd end);

  static const llhttp_settings_t& Settings();
  static Stream& Of(llhttp_t* p) { return *static_cast<Stream*>(p->data); }
  static int OnMessageBegin(llhttp_t* p);
  static int OnUrl(llhttp_t* p, const char* at, size_t len);
  static int OnHeaderField(llhttp_t* p, const char* at, size_t len);
  static int OnHeaderFieldComplete(llhttp_t* p);
  static int OnHeaderValue(llhttp_t* p, const char* at, size_t len);
  static int OnHeaderValueComplete(llhttp_t* p);
  static int OnHeadersComplete(llhttp_t* p);
  static int OnBody(llhttp_t* p, const char* at, size_t len);
  static int OnChunkHeader(llhttp_t* p);
  static int OnChunkComplete(llhttp_t* p);
  static int OnMessageComplete(llhttp_t* p);

  Limits limits;
  ExchangeSink& sink;
  Stats stats;
  std::deque<http::Request> pending;
  bool upgraded = false;
  // Bytes that followed the message that switched protocols, in the same chunk.
  static constexpr size_t kMaxAfterUpgradeBytes = 64 * 1024;
  std::string after_upgrade;
  bool closed = false;
  // A gap swallowed response bytes: the next response answers the newest request, and the older
  // ones lost theirs.
  bool responses_lost = false;
  Stream req;
  Stream resp;
};

void Session::Impl::Stream::StartMessage() {
  if (dir == Direction::kRequest) {
    request = {};
  } else {
    response = {};
  }
  in_message = true;
  headers_done = false;
  identity_body = false;
  in_chunk_data = false;
  upgrade_on_complete = false;
  answered = false;
  builder.Reset();
  msg().headers.reserve(std::min(owner->limits.max_headers, kInitialHeaderCapacity));
  msg().first_byte_ns = ts;
  msg().last_byte_ns = ts;
}

const llhttp_settings_t& Session::Impl::Settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = &OnMessageBegin;
    s.on_url = &OnUrl;
    s.on_header_field = &OnHeaderField;
    s.on_header_field_complete = &OnHeaderFieldComplete;
    s.on_header_value = &OnHeaderValue;
    s.on_header_value_complete = &OnHeaderValueComplete;
    s.on_headers_complete = &OnHeadersComplete;
    s.on_body = &OnBody;
    s.on_chunk_header = &OnChunkHeader;
    s.on_chunk_complete = &OnChunkComplete;
    s.on_message_complete = &OnMessageComplete;
    return s;
  }();
  return settings;
}

int Session::Impl::OnMessageBegin(llhttp_t* p) {
  Of(p).StartMessage();
  return 0;
}

int Session::Impl::OnUrl(llhttp_t* p, const char* at, size_t len) {
  Stream& s = Of(p);
  s.builder.AppendTarget(s.request, {at, len});
  s.request.last_byte_ns = s.ts;
  return 0;
}

int Session::Impl::OnHeaderField(llhttp_t* p, const char* at, size_t len) {
  Stream& s = Of(p);
  s.builder.AppendHeaderName(s.msg(), {at, len});
  s.msg().last_byte_ns = s.ts;
  return 0;
}

int Session::Impl::OnHeaderFieldComplete(llhttp_t* p) {
  Of(p).builder.EndHeaderName();
  return 0;
}

int Session::Impl::OnHeaderValue(llhttp_t* p, const char* at, size_t len) {
  Stream& s = Of(p);
  s.builder.AppendHeaderValue(s.msg(), {at, len});
  s.msg().last_byte_ns = s.ts;
  return 0;
}

int Session::Impl::OnHeaderValueComplete(llhttp_t* p) {
  Stream& s = Of(p);
  s.builder.EndHeaderValue(s.msg());
  return 0;
}

int Session::Impl::OnHeadersComplete(llhttp_t* p) {
  Stream& s = Of(p);
  Impl& impl = *s.owner;
  http::Message& m = s.msg();
  s.headers_done = true;
  s.builder.EndHeaderName();
  m.version_major = p->http_major;
  m.version_minor = p->http_minor;
  m.last_byte_ns = s.ts;
  s.identity_body = (p->flags & F_CONTENT_LENGTH) != 0 && (p->flags & F_CHUNKED) == 0;
  if (s.dir == Direction::kRequest) {
    s.request.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
    return 0;
  }
  s.response.status = p->status_code;
  const http::Request* target = impl.PairTarget();
  if (target == nullptr) return 0;
  if (target->method == "CONNECT" && s.response.status >= 200 && s.response.status < 300) {
    // The tunnel starts right after the headers: no body, and the rest is not HTTP.
    s.upgrade_on_complete = true;
    return 2;
  }
  // llhttp cannot know the request was HEAD; without this it would wait for Content-Length bytes.
  if (target->method == "HEAD") return 1;
  return 0;
}

int Session::Impl::OnBody(llhttp_t* p, const char* at, size_t len) {
  Stream& s = Of(p);
  s.builder.AppendBody(s.msg(), {at, len});
  s.msg().last_byte_ns = s.ts;
  return 0;
}

int Session::Impl::OnChunkHeader(llhttp_t* p) {
  Of(p).in_chunk_data = p->content_length > 0;
  return 0;
}

int Session::Impl::OnChunkComplete(llhttp_t* p) {
  Of(p).in_chunk_data = false;
  return 0;
}

int Session::Impl::OnMessageComplete(llhttp_t* p) {
  Stream& s = Of(p);
  Impl& impl = *s.owner;
  if (!s.finishing) s.msg().last_byte_ns = s.ts;
  s.in_message = false;
  s.in_chunk_data = false;
  if (s.dir == Direction::kRequest) {
    if (!s.answered) {
      ++impl.stats.requests;
      impl.PushPending(std::move(s.request));
    }
    return 0;
  }
  impl.OnResponseComplete(s);
  // Stop llhttp at once: what follows a 101 without "Connection: upgrade" is not HTTP either.
  return impl.upgraded ? HPE_PAUSED : 0;
}

const http::Request* Session::Impl::PairTarget() const {
  if (!pending.empty()) return responses_lost ? &pending.back() : &pending.front();
  return EarlyAnswerable() ? &req.request : nullptr;
}

// A server may answer before the request body is in (401, 413, a refused Expect: 100-continue).
bool Session::Impl::EarlyAnswerable() const {
  return req.in_message && req.headers_done && !req.answered && !req.seeking;
}

void Session::Impl::Emit(http::Request&& request, std::optional<http::Response>&& response,
                         http::ExchangeEnd end) {
  sink.OnExchange(http::Exchange{std::move(request), std::move(response), end});
}

void Session::Impl::PushPending(http::Request&& request) {
  if (limits.max_pending_requests == 0) {
    ++stats.pending_overflow;
    Emit(std::move(request), std::nullopt, http::ExchangeEnd::kNoResponse);
    return;
  }
  if (pending.size() >= limits.max_pending_requests) {
    ++stats.pending_overflow;
    Emit(std::move(pending.front()), std::nullopt, http::ExchangeEnd::kNoResponse);
    pending.pop_front();
  }
  pending.push_back(std::move(request));
}

void Session::Impl::OnResponseComplete(Stream& s) {
  const uint16_t status = s.response.status;
  if (IsInformational(status)) {
    ++stats.informational;
    return;
  }
  ++stats.responses;
  if (status == 101 || s.upgrade_on_complete) upgraded = true;
  if (pending.empty()) {
    responses_lost = false;
    if (!EarlyAnswerable()) {
      ++stats.orphan_responses;
      return;
    }
    req.answered = true;
    req.request.body_complete = false;
    ++stats.requests;
    Emit(std::move(req.request), std::move(s.response), http::ExchangeEnd::kComplete);
    return;
  }
  if (responses_lost) {
    while (pending.size() > 1) {
      Emit(std::move(pending.front()), std::nullopt, http::ExchangeEnd::kResponseLost);
      pending.pop_front();
    }
    responses_lost = false;
  }
  http::Request request = std::move(pending.front());
  pending.pop_front();
  Emit(std::move(request), std::move(s.response), http::ExchangeEnd::kComplete);
}

// The message in progress ends here. One whose headers are known is still worth reporting: a
// request keeps its place in the queue (its response may follow), a response is paired.
void Session::Impl::Cut(Stream& s) {
  if (s.in_message && s.headers_done) {
    s.msg().body_complete = false;
    s.in_message = false;
    if (s.dir == Direction::kRequest) {
      if (!s.answered) {
        ++stats.requests;
        PushPending(std::move(s.request));
      }
    } else {
      OnResponseComplete(s);
    }
  }
  Seek(s);
}

void Session::Impl::Seek(Stream& s) {
  s.in_message = false;
  s.in_chunk_data = false;
  s.seeking = true;
  stats.resync_skipped_bytes += s.probe.buffered().size();
  s.probe.Clear();
}

void Session::Impl::Execute(Stream& s, std::span<const uint8_t> bytes, uint64_t ts) {
  s.ts = ts;
  const char* begin = reinterpret_cast<const char*>(bytes.data());
  const char* end = begin + bytes.size();
  const bool was_upgraded = upgraded;
  const llhttp_errno_t err = llhttp_execute(&s.parser, begin, bytes.size());
  const char* pos = llhttp_get_error_pos(&s.parser);
  const size_t rest = (pos != nullptr && pos >= begin && pos <= end) ? end - pos : 0;
  if (upgraded && !was_upgraded && err != HPE_OK && rest > 0) {
    // The new protocol's first bytes may share the chunk with the 101 (an h2c server's SETTINGS).
    after_upgrade.assign(pos, std::min(rest, kMaxAfterUpgradeBytes));
  }
  if (err == HPE_OK || upgraded) return;
  if (err == HPE_PAUSED_UPGRADE) {
    // A request announced an upgrade (or CONNECT). Until a response accepts it, the bytes that
    // follow are of unknown kind; HTTP resumes at the next chunk that starts a request.
    Seek(s);
    stats.resync_skipped_bytes += rest;
    return;
  }
  ++stats.parse_errors;
  Cut(s);
  stats.resync_skipped_bytes += rest;
}

void Session::Impl::OnData(Stream& s, std::span<const uint8_t> bytes, uint64_t ts) {
  if (closed || upgraded || bytes.empty()) return;
  if (!s.seeking) {
    Execute(s, bytes, ts);
    return;
  }
  const bool had_prefix = !s.probe.empty();
  MessageStartProbe::Verdict v = s.probe.Feed(bytes);
  if (v == MessageStartProbe::Verdict::kNoMatch && had_prefix) {
    // The buffered prefix was not a start after all, but this chunk's own start may be.
    stats.resync_skipped_bytes += s.probe.buffered().size();
    s.probe.Clear();
    v = s.probe.Feed(bytes);
  }
  switch (v) {
    case MessageStartProbe::Verdict::kNeedMore:
      if (!had_prefix || s.probe.buffered().size() == bytes.size()) s.probe_ts = ts;
      return;
    case MessageStartProbe::Verdict::kNoMatch:
      stats.resync_skipped_bytes += bytes.size();
      return;
    case MessageStartProbe::Verdict::kMatch:
      break;
  }
  llhttp_reset(&s.parser);
  s.seeking = false;
  s.in_message = false;
  // Copied out so that a resync triggered while replaying cannot clobber what is replayed.
  std::array<uint8_t, MessageStartProbe::kMaxMethodLength + 1> prefix;
  const size_t prefix_len = s.probe.buffered().size();
  std::copy_n(s.probe.buffered().begin(), prefix_len, prefix.begin());
  s.probe.Clear();
  if (prefix_len > 0) Execute(s, {prefix.data(), prefix_len}, s.probe_ts);
  if (upgraded) return;
  if (s.seeking) {
    stats.resync_skipped_bytes += bytes.size();  // the prefix already failed to parse
    return;
  }
  Execute(s, bytes, ts);
}

void Session::Impl::OnGap(Stream& s, uint64_t missing, uint64_t ts) {
  if (closed || upgraded || missing == 0) return;
  const bool known_length_body = !s.seeking && s.in_message && s.headers_done &&
                                 (s.identity_body || s.in_chunk_data) &&
                                 s.parser.content_length >= missing;
  if (known_length_body) {
    s.msg().body_complete = false;
    stats.gap_bytes_skipped += missing;
    // llhttp is consuming the body at this point and only counts down content_length there, so
    // lowering it is the same as feeding that many bytes.
    s.parser.content_length -= missing - 1;
    s.builder.SkipBody(s.msg(), missing - 1);
    Execute(s, {&kGapFillByte, 1}, ts);
    return;
  }
  if (!s.seeking && s.in_message) ++stats.gaps_broke_message;
  if (s.seeking) {
    Seek(s);
  } else {
    Cut(s);
  }
  if (s.dir == Direction::kResponse) responses_lost = true;
}

void Session::Impl::OnClose() {
  if (closed) return;
  closed = true;
  if (!upgraded && !resp.seeking && resp.in_message) {
    // A response without length or chunking ends here; llhttp_finish completes it.
    resp.finishing = true;
    llhttp_finish(&resp.parser);
    resp.finishing = false;
    if (resp.in_message && resp.headers_done) {
      resp.in_message = false;
      resp.response.body_complete = false;
      OnResponseComplete(resp);
    }
  }
  while (!pending.empty()) {
    Emit(std::move(pending.front()), std::nullopt, http::ExchangeEnd::kNoResponse);
    pending.pop_front();
  }
  if (!upgraded && EarlyAnswerable()) {
    req.in_message = false;
    req.request.body_complete = false;
    ++stats.requests;
    Emit(std::move(req.request), std::nullopt, http::ExchangeEnd::kNoResponse);
  }
}

Session::Session(const Limits& limits, ExchangeSink& sink)
    : impl_(std::make_unique<Impl>(limits, sink)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

void Session::OnData(Direction dir, std::span<const uint8_t> bytes, uint64_t ts_ns) {
  impl_->OnData(impl_->stream(dir), bytes, ts_ns);
}

void Session::OnGap(Direction dir, uint64_t missing, uint64_t ts_ns) {
  impl_->OnGap(impl_->stream(dir), missing, ts_ns);
}

void Session::OnClose(uint64_t /*ts_ns*/) { impl_->OnClose(); }

bool Session::upgraded() const { return impl_->upgraded; }

std::string Session::TakeBytesAfterUpgrade() { return std::exchange(impl_->after_upgrade, {}); }

const Stats& Session::stats() const { return impl_->stats; }

}  // namespace apisensor::http1
