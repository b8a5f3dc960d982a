#include "tests/unit/http1/session_harness.h"

#include <sstream>

namespace apisensor::http1::test {
namespace {

void DescribeMessage(std::ostringstream& out, const http::Message& m) {
  out << "HTTP/" << int{m.version_major} << '.' << int{m.version_minor} << " {";
  for (size_t i = 0; i < m.headers.size(); ++i) {
    out << (i ? ", " : "") << m.headers[i].name << ": " << m.headers[i].value;
  }
  out << "} body=" << m.body_size << " '" << m.body_sample << "' t=" << m.first_byte_ns << '-'
      << m.last_byte_ns;
  if (!m.body_complete) out << " partial";
  if (m.headers_truncated) out << " truncated";
}

void Feed(Session& s, const Op& op, size_t split_at, bool byte_by_byte) {
  const auto* p = reinterpret_cast<const uint8_t*>(op.bytes.data());
  const size_t n = op.bytes.size();
  if (byte_by_byte) {
    for (size_t i = 0; i < n; ++i) s.OnData(op.dir, {p + i, 1}, op.ts);
    return;
  }
  const size_t cut = std::min(split_at, n);
  if (cut > 0) s.OnData(op.dir, {p, cut}, op.ts);
  if (cut < n) s.OnData(op.dir, {p + cut, n - cut}, op.ts);
}

}  // namespace

std::string Describe(const http::Exchange& e) {
  std::ostringstream out;
  out << e.request.method << ' ' << e.request.target << ' ';
  DescribeMessage(out, e.request);
  out << " => ";
  if (e.response) {
    out << e.response->status << ' ';
    DescribeMessage(out, *e.response);
  } else {
    out << "none";
  }
  switch (e.end) {
    case http::ExchangeEnd::kComplete:
      out << " [complete]";
      break;
    case http::ExchangeEnd::kNoResponse:
      out << " [no-response]";
      break;
    case http::ExchangeEnd::kResponseLost:
      out << " [response-lost]";
      break;
  }
  return out.str();
}

Result RunScript(const Script& script, const Limits& limits, size_t split_op, size_t split_at,
                 bool byte_by_byte) {
  Recorder recorder;
  Session session(limits, recorder);
  for (size_t i = 0; i < script.size(); ++i) {
    const Op& op = script[i];
    switch (op.kind) {
      case Op::Kind::kData:
        Feed(session, op, i == split_op ? split_at : SIZE_MAX, byte_by_byte);
        break;
      case Op::Kind::kGap:
        session.OnGap(op.dir, op.missing, op.ts);
        break;
      case Op::Kind::kClose:
        session.OnClose(op.ts);
        break;
    }
  }
  return {std::move(recorder.lines), session.stats(), session.upgraded()};
}

}  // namespace apisensor::http1::test
