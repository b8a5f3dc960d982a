// Fills one http::Message from the pieces llhttp hands over (a name or value may arrive in several
// calls when a header straddles chunks), never keeping more than the Limits allow. Whatever does
// not fit is dropped and flagged in headers_truncated; body bytes past the sample cap are only
// counted.
#pragma once

#include <cstddef>
#include <string_view>

#include "parsers/http1/http1_session.h"
#include "parsers/http1/http_message.h"

namespace apisensor::http1 {

class MessageBuilder {
 public:
  explicit MessageBuilder(const Limits& limits) : limits_(limits) {}

  // Starts a new message; budgets are per message.
  void Reset();

  void AppendTarget(http::Request& request, std::string_view piece);
  void AppendHeaderName(http::Message& message, std::string_view piece);
  void EndHeaderName() { name_open_ = false; }
  void AppendHeaderValue(http::Message& message, std::string_view piece);
  void EndHeaderValue(http::Message& message);
  void AppendBody(http::Message& message, std::string_view piece);
  // Adds `n` body bytes that were never seen: counted, and the sample stops here since it could
  // no longer be a contiguous prefix.
  void SkipBody(http::Message& message, uint64_t n);

 private:
  const Limits& limits_;
  size_t header_budget_ = 0;
  size_t target_budget_ = 0;
  bool name_open_ = false;    // a header name is arriving (possibly over several calls)
  bool header_kept_ = false;  // the current header fit within the caps
  bool sample_closed_ = false;
};

}  // namespace apisensor::http1
