// Builds HTTP/2 byte streams for the parser tests: frames by hand, header blocks with nghttp2's
// own HPACK deflater (one per direction, so its dynamic table evolves as a real peer's would).
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace apisensor::http2::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr uint8_t kData = 0, kHeaders = 1, kRstStream = 3, kSettings = 4, kPushPromise = 5,
                         kPing = 6, kGoaway = 7, kWindowUpdate = 8, kContinuation = 9;
inline constexpr uint8_t kEndStream = 0x1, kEndHeaders = 0x4, kPadded = 0x8, kPriority = 0x20;

inline std::string Frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  std::string f;
  const size_t n = payload.size();
  f += static_cast<char>(n >> 16);
  f += static_cast<char>(n >> 8);
  f += static_cast<char>(n);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  f += static_cast<char>(stream >> 24);
  f += static_cast<char>(stream >> 16);
  f += static_cast<char>(stream >> 8);
  f += static_cast<char>(stream);
  return f + payload;
}

inline std::string Preface() { return "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; }
inline std::string Settings(const std::string& entries = {}) {
  return Frame(kSettings, 0, 0, entries);
}

// One side's HPACK encoder.
class Encoder {
 public:
  Encoder() {
    nghttp2_hd_deflater* d = nullptr;
    if (nghttp2_hd_deflate_new(&d, 4096) != 0) throw std::runtime_error("deflater");
    deflater_.reset(d);
  }
  // Header block for `headers`; `never_index` keeps them out of the dynamic table.
  std::string Block(const Headers& headers, bool never_index = false) {
    std::vector<nghttp2_nv> nva;
    for (const auto& [name, value] : headers) {
      nva.push_back(
          {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
           reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
           static_cast<uint8_t>(never_index ? NGHTTP2_NV_FLAG_NO_INDEX : NGHTTP2_NV_FLAG_NONE)});
    }
    std::string out(nghttp2_hd_deflate_bound(deflater_.get(), nva.data(), nva.size()), '\0');
    const ssize_t n = nghttp2_hd_deflate_hd(deflater_.get(), reinterpret_cast<uint8_t*>(out.data()),
                                            out.size(), nva.data(), nva.size());
    if (n < 0) throw std::runtime_error("deflate");
    out.resize(static_cast<size_t>(n));
    return out;
  }

 private:
  struct Deleter {
    void operator()(nghttp2_hd_deflater* d) const { nghttp2_hd_deflate_del(d); }
  };
  std::unique_ptr<nghttp2_hd_deflater, Deleter> deflater_;
};

inline std::string HeadersFrame(Encoder& e, uint32_t stream, const Headers& headers,
                                bool end_stream) {
  return Frame(kHeaders, kEndHeaders | (end_stream ? kEndStream : 0), stream, e.Block(headers));
}

inline std::string DataFrame(uint32_t stream, const std::string& data, bool end_stream) {
  return Frame(kData, end_stream ? kEndStream : 0, stream, data);
}

}  // namespace apisensor::http2::test
