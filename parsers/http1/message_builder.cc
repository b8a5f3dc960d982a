#include "parsers/http1/message_builder.h"

#include <algorithm>
#include <string>

namespace apisensor::http1 {
namespace {

// Appends at most `budget` bytes; returns false when something had to be left out.
bool AppendCapped(std::string& out, std::string_view piece, size_t& budget) {
  const size_t take = std::min(piece.size(), budget);
  out.append(piece.data(), take);
  budget -= take;
  return take == piece.size();
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

void MessageBuilder::Reset() {
  header_budget_ = limits_.max_header_bytes;
  target_budget_ = limits_.max_target_bytes;
  name_open_ = false;
  header_kept_ = false;
  sample_closed_ = false;
}

void MessageBuilder::AppendTarget(http::Request& request, std::string_view piece) {
  if (!AppendCapped(request.target, piece, target_budget_)) request.headers_truncated = true;
}

void MessageBuilder::AppendHeaderName(http::Message& m, std::string_view piece) {
  if (!name_open_) {
    name_open_ = true;
    header_kept_ = m.headers.size() < limits_.max_headers && header_budget_ > 0;
    if (header_kept_) {
      m.headers.emplace_back();
    } else {
      m.headers_truncated = true;
    }
  }
  if (!header_kept_) return;
  std::string& name = m.headers.back().name;
  const size_t old = name.size();
  if (!AppendCapped(name, piece, header_budget_)) m.headers_truncated = true;
  std::transform(name.begin() + static_cast<std::ptrdiff_t>(old), name.end(),
                 name.begin() + static_cast<std::ptrdiff_t>(old), Lower);
}

void MessageBuilder::AppendHeaderValue(http::Message& m, std::string_view piece) {
  if (header_kept_ && !AppendCapped(m.headers.back().value, piece, header_budget_)) {
    m.headers_truncated = true;
  }
}

void MessageBuilder::EndHeaderValue(http::Message& m) {
  if (!header_kept_) return;
  // llhttp strips leading whitespace but passes trailing whitespace on as part of the value.
  std::string& v = m.headers.back().value;
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
}

void MessageBuilder::AppendBody(http::Message& m, std::string_view piece) {
  m.body_size += piece.size();
  const size_t cap = limits_.body_sample_bytes;
  if (!sample_closed_ && m.body_sample.size() < cap) {
    m.body_sample.append(piece.data(), std::min(piece.size(), cap - m.body_sample.size()));
  }
}

void MessageBuilder::SkipBody(http::Message& m, uint64_t n) {
  m.body_size += n;
  sample_closed_ = true;
}

}  // namespace apisensor::http1
