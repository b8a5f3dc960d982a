#include "exporters/json/exchange_json.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

#include "exporters/json/rfc3339.h"
#include "exporters/json/utf8.h"
#include "parsers/grpc/protobuf_wire.h"

namespace apisensor::exporters {
namespace {

const char* EndName(http::ExchangeEnd end) {
  switch (end) {
    case http::ExchangeEnd::kComplete:
      return "complete";
    case http::ExchangeEnd::kNoResponse:
      return "no_response";
    case http::ExchangeEnd::kResponseLost:
      return "response_lost";
  }
  return "complete";
}

bool SameNameEarlier(const std::vector<http::Header>& headers, size_t i) {
  for (size_t j = 0; j < i; ++j) {
    if (headers[j].name == headers[i].name) return true;
  }
  return false;
}

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kSpaces = kOnes * ' ';

// The bytes of `word` (loaded little-endian) that cannot be copied as is into a JSON string: a
// control character, '"', '\\', or a non-ASCII byte (which has to be checked as UTF-8), each as
// its high bit. Bit tricks on eight bytes at once, because nearly all text is plain ASCII and a
// byte-by-byte test dominated the cost. A borrow can flag a plain byte above a flagged one, never
// below: the lowest flag is exact, and that is the only one used.
uint64_t CareMask(uint64_t word) {
  constexpr uint64_t kHigh = kOnes * 0x80;
  // The high bit of each byte of `v` below `n` (n <= 0x80), and maybe of bytes above those.
  const auto less = [](uint64_t v, uint64_t n) { return (v - kOnes * n) & ~v & kHigh; };
  return (word & kHigh) | less(word, 0x20) | less(word ^ (kOnes * '"'), 1) |
         less(word ^ (kOnes * '\\'), 1);
}

// CareMask's lowest flag is the first byte in memory only when words load little-endian.
static_assert(std::endian::native == std::endian::little);

uint64_t LoadWord(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));  // unaligned load without aliasing trouble
  return word;
}

bool IsPlain(uint8_t c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// Writes the escape RFC 8259 requires for `c` (a control character, '"' or '\\') at `p`, in the
// short form where there is one; returns the end. At most 6 bytes.
char* PutEscape(uint8_t c, char* p) {
  char short_form = 0;
  switch (c) {
    case '"':
      short_form = '"';
      break;
    case '\\':
      short_form = '\\';
      break;
    case '\b':
      short_form = 'b';
      break;
    case '\f':
      short_form = 'f';
      break;
    case '\n':
      short_form = 'n';
      break;
    case '\r':
      short_form = 'r';
      break;
    case '\t':
      short_form = 't';
      break;
    default:
      break;
  }
  *p++ = '\\';
  if (short_form != 0) {
    *p++ = short_form;
    return p;
  }
  constexpr char kHex[] = "0123456789ABCDEF";
  *p++ = 'u';
  *p++ = '0';
  *p++ = '0';
  *p++ = kHex[c >> 4];
  *p++ = kHex[c & 0xF];
  return p;
}

// An escape is at most 6 bytes ("\u001F"), a replacement 3, for one byte of input.
constexpr size_t kMaxBytesPerInputByte = 6;

// Writes `s` at `p` as the inside of a JSON string: escaped, with each byte that does not start a
// valid UTF-8 sequence replaced by U+FFFD (the same text ValidUtf8 gives); returns the end. Plain
// runs are copied whole. `p` has room for kMaxBytesPerInputByte bytes per byte of `s`.
char* PutStringContent(char* p, std::string_view s) {
  size_t copied = 0;  // bytes of `s` already written
  const auto copy_up_to = [&](size_t end) {
    if (end > copied) {
      std::memcpy(p, s.data() + copied, end - copied);
      p += end - copied;
    }
  };
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Skip to the next byte that needs care, eight at a time; the last few through one load that
    // overlaps bytes already checked (made spaces). Strings under eight bytes go byte by byte.
    if (i + 8 <= n) {
      const uint64_t care = CareMask(LoadWord(s.data() + i));
      if (care == 0) {
        i += 8;
        continue;
      }
      i += static_cast<size_t>(std::countr_zero(care)) / 8;
    } else if (n >= 8) {
      const unsigned seen_bits = 8 * static_cast<unsigned>(8 - (n - i));  // 8 .. 56
      const uint64_t care =
          CareMask((LoadWord(s.data() + n - 8) >> seen_bits) | (kSpaces << (64 - seen_bits)));
      if (care == 0) break;
      i += static_cast<size_t>(std::countr_zero(care)) / 8;
    } else if (IsPlain(static_cast<uint8_t>(s[i]))) {
      ++i;
      continue;
    }
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x80) {
      if (const size_t length = Utf8SequenceLength(s, i); length != 0) {
        i += length;
        continue;
      }
    }
    copy_up_to(i);
    if (c >= 0x80) {
      std::memcpy(p, kUtf8Replacement.data(), kUtf8Replacement.size());
      p += kUtf8Replacement.size();
    } else {
      p = PutEscape(c, p);
    }
    copied = ++i;
  }
  copy_up_to(s.size());
  return p;
}

}  // namespace

void ExchangeJsonWriter::Grow(size_t n) {
  const size_t capacity = std::max({capacity_ * 2, size_ + n, size_t{4096}});
  std::unique_ptr<char[]> line = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ > 0) std::memcpy(line.get(), line_.get(), size_);
  line_ = std::move(line);
  capacity_ = capacity;
}

void ExchangeJsonWriter::Put(char c) {
  *Room(1) = c;
  ++size_;
}

void ExchangeJsonWriter::StartObject() {
  char* p = Separator(Room(2));
  *p++ = '{';
  End(p);
  need_comma_ = false;
}

void ExchangeJsonWriter::EndObject() {
  Put('}');
  need_comma_ = true;
}

void ExchangeJsonWriter::StartArray() {
  char* p = Separator(Room(2));
  *p++ = '[';
  End(p);
  need_comma_ = false;
}

void ExchangeJsonWriter::EndArray() {
  Put(']');
  need_comma_ = true;
}

void ExchangeJsonWriter::String(std::string_view s) {
  char* p = Separator(Room(s.size() * kMaxBytesPerInputByte + 3));
  *p++ = '"';
  p = PutStringContent(p, s);
  *p++ = '"';
  End(p);
}

void ExchangeJsonWriter::PlainString(std::string_view s) {
  char* p = Separator(Room(s.size() + 3));
  *p++ = '"';
  if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view may carry a null pointer
  p += s.size();
  *p++ = '"';
  End(p);
}

void ExchangeJsonWriter::Integer(std::integral auto value) {
  constexpr size_t kSignAndDigits = 20;  // "18446744073709551615", "-9223372036854775808"
  char* p = Separator(Room(kSignAndDigits + 1));
  End(std::to_chars(p, p + kSignAndDigits, value).ptr);
}

void ExchangeJsonWriter::Uint64(uint64_t value) { Integer(value); }
void ExchangeJsonWriter::Int64(int64_t value) { Integer(value); }

void ExchangeJsonWriter::Literal(std::string_view text) {
  char* p = Separator(Room(text.size() + 1));
  std::memcpy(p, text.data(), text.size());
  End(p + text.size());
}

void ExchangeJsonWriter::Bool(bool value) { Literal(value ? "true" : "false"); }
void ExchangeJsonWriter::Null() { Literal("null"); }

void ExchangeJsonWriter::Endpoint(const SocketAddress& address) {
  StartObject();
  Key("addr");
  char text[SocketAddress::kAddressTextSize];
  String(address.FormatAddress(text));
  Key("port");
  Uint64(address.port);
  EndObject();
}

void ExchangeJsonWriter::Headers(const std::vector<http::Header>& headers) {
  StartObject();
  for (size_t i = 0; i < headers.size(); ++i) {
    if (SameNameEarlier(headers, i)) continue;  // already joined into the first occurrence
    // JSON objects with repeated keys are parsed differently by different readers; one member
    // with the values joined is what RFC 9110 §5.3 says a repeated field means. The separator is
    // ASCII, so checking the values one by one gives the same text as checking them joined.
    const http::Header& header = headers[i];
    size_t input = header.name.size() + header.value.size();
    for (size_t j = i + 1; j < headers.size(); ++j) {
      if (headers[j].name == header.name) input += headers[j].value.size() + 2;
    }
    char* p = Separator(Room(input * kMaxBytesPerInputByte + 6));
    *p++ = '"';
    p = PutStringContent(p, header.name);
    *p++ = '"';
    *p++ = ':';
    *p++ = '"';
    p = PutStringContent(p, header.value);
    for (size_t j = i + 1; j < headers.size(); ++j) {
      if (headers[j].name != header.name) continue;
      *p++ = ',';
      *p++ = ' ';
      p = PutStringContent(p, headers[j].value);
    }
    *p++ = '"';
    End(p);
  }
  EndObject();
}

void ExchangeJsonWriter::MessageTail(const http::Message& message) {
  Key("headers");
  Headers(message.headers);
  Key("body_size");
  Uint64(message.body_size);
  if (const http::Header* content_type = message.Find("content-type")) {
    Key("content_type");
    String(MediaType(content_type->value, media_type_scratch_));
  }
  if (message.headers_truncated) {
    Key("headers_truncated");
    Bool(true);
  }
  if (!message.body_complete) {
    Key("body_complete");
    Bool(false);
  }
}

void ExchangeJsonWriter::Request(const http::Request& request) {
  ParseRequestTarget(request.target, target_);
  StartObject();
  Key("method");
  String(request.method);
  const http::Header* host = request.Find("host");
  if (host == nullptr) host = request.Find(":authority");  // HTTP/2's Host
  if (host != nullptr) {
    Key("host");
    String(host->value);
  } else if (!target_.authority.empty()) {
    Key("host");
    String(target_.authority);
  }
  Key("path");
  String(target_.path);
  Key("query");
  StartArray();
  for (std::string_view key : target_.query_keys) String(key);
  EndArray();
  MessageTail(request);
  EndObject();
}

void ExchangeJsonWriter::Response(const http::Response& response) {
  StartObject();
  Key("status");
  Uint64(response.status);
  MessageTail(response);
  if (!response.trailers.empty()) {
    Key("trailers");
    Headers(response.trailers);
  }
  EndObject();
}

// The first message's field shape (numbers and wire types, never values), when it decodes.
void ExchangeJsonWriter::GrpcShape(std::string_view key, const http::GrpcMessages& messages) {
  if (messages.count == 0 || messages.compressed || messages.first.empty()) return;
  const auto* bytes = reinterpret_cast<const uint8_t*>(messages.first.data());
  const std::optional<std::vector<grpc::ProtoField>> fields =
      grpc::DecodeProtobuf({bytes, messages.first.size()});
  if (!fields) return;
  Key(key);
  String(grpc::ProtobufShape(*fields));
}

void ExchangeJsonWriter::Grpc(const http::Grpc& grpc, std::string_view path) {
  // "/package.Service/Method"
  const size_t slash = path.size() > 1 ? path.find('/', 1) : std::string_view::npos;
  StartObject();
  Key("service");
  String(slash == std::string_view::npos ? std::string_view() : path.substr(1, slash - 1));
  Key("method");
  String(slash == std::string_view::npos ? path : path.substr(slash + 1));
  Key("status");
  if (grpc.status) {
    Uint64(static_cast<uint64_t>(*grpc.status));
  } else {
    Null();
  }
  if (!grpc.message.empty()) {
    Key("message");
    String(grpc.message);
  }
  Key("message_count");
  Uint64(grpc.request.count + grpc.response.count);
  Key("request_messages");
  Uint64(grpc.request.count);
  Key("response_messages");
  Uint64(grpc.response.count);
  if (grpc.request.compressed || grpc.response.compressed) {
    Key("compressed");
    Bool(true);
  }
  GrpcShape("request_shape", grpc.request);
  GrpcShape("response_shape", grpc.response);
  EndObject();
}

void ExchangeJsonWriter::Auth(const secrets::AuthObservation& auth) {
  StartObject();
  Key("kind");
  PlainString(secrets::AuthKindName(auth.kind));
  if (!auth.carrier.empty()) {
    Key("in");
    PlainString(auth.carrier_in);
    Key("name");
    String(auth.carrier);
  }
  if (auth.jwt) {
    Key("jwt");
    StartObject();
    Key("alg");
    String(auth.jwt->alg);
    Key("iss");
    String(auth.jwt->iss);
    Key("exp");
    if (auth.jwt->exp) {
      Int64(*auth.jwt->exp);
    } else {
      Null();
    }
    EndObject();
  }
  EndObject();
}

void ExchangeJsonWriter::NonEmpty(std::string_view plain_key, std::string_view value) {
  if (value.empty()) return;
  Key(plain_key);
  String(value);
}

// Only what is known: a process outside any container has no "k8s" at all, one in a container
// outside Kubernetes only its container_id.
void ExchangeJsonWriter::K8s(const K8sIdentity& k8s) {
  StartObject();
  if (k8s.container) {
    NonEmpty("container_id", k8s.container->container_id);
    NonEmpty("pod_uid", k8s.container->pod_uid);
  }
  if (const k8s::PodMetadata* pod = k8s.pod.get()) {
    if (!k8s.container || k8s.container->pod_uid.empty()) NonEmpty("pod_uid", pod->uid);
    NonEmpty("namespace", pod->namespace_name);
    NonEmpty("pod", pod->name);
    NonEmpty("workload", pod->workload);
    NonEmpty("workload_kind", pod->workload_kind);
  }
  if (const k8s::PodMetadata* peer = k8s.peer_pod.get()) {
    Key("peer");
    StartObject();
    NonEmpty("namespace", peer->namespace_name);
    NonEmpty("workload", peer->workload.empty() ? peer->name : peer->workload);
    EndObject();
  } else if (const k8s::ServiceMetadata* service = k8s.peer_service.get()) {
    Key("peer");
    StartObject();
    NonEmpty("namespace", service->namespace_name);
    NonEmpty("service", service->name);
    EndObject();
  }
  EndObject();
}

void ExchangeJsonWriter::Append(const ExchangeRecord& record, std::string& out) {
  const size_t start = size_;  // lines buffered by AppendBuffered stay as they are
  WriteRecord(record);
  out.append(line_.get() + start, size_ - start);
  size_ = start;
}

void ExchangeJsonWriter::AppendBuffered(const ExchangeRecord& record) { WriteRecord(record); }

void ExchangeJsonWriter::WriteRecord(const ExchangeRecord& record) {
  const size_t start = size_;
  try {
    WriteFields(record);
  } catch (...) {
    size_ = start;  // an allocation failed mid-line: no torn line stays in the buffer
    throw;
  }
}

void ExchangeJsonWriter::WriteFields(const ExchangeRecord& record) {
  need_comma_ = false;

  StartObject();
  Key("ts");
  char ts[kRfc3339NanosSize];
  PlainString(FormatRfc3339Nanos(record.ts_unix_ns, ts));
  Key("latency_ns");
  Uint64(record.latency_ns);
  Key("role");
  PlainString(RoleName(record.role));
  Key("protocol");
  String(record.protocol != nullptr ? record.protocol : "");
  Key("tls");
  Bool(record.tls);
  Key("end");
  PlainString(EndName(record.http.end));
  if (record.http.stream_id != 0) {
    Key("stream_id");
    Uint64(record.http.stream_id);
  }
  if (record.http.partial) {
    Key("partial");
    Bool(true);
  }
  Key("pid");
  Uint64(record.process.pid);
  Key("comm");
  String(record.process.comm);
  Key("cgroup_id");
  Uint64(record.process.cgroup_id);
  if (!record.k8s.empty()) {
    Key("k8s");
    K8s(record.k8s);
  }
  Key("local");
  Endpoint(record.local);
  Key("remote");
  Endpoint(record.remote);
  Key("request");
  Request(record.http.request);
  Key("response");
  if (record.http.response) {
    Response(*record.http.response);
  } else {
    Null();
  }
  if (record.http.grpc) {
    Key("grpc");
    Grpc(*record.http.grpc, target_.path);
  }
  Key("auth");
  Auth(record.auth);
  EndObject();

  Put('\n');
}

}  // namespace apisensor::exporters
