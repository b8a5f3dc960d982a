#include "exporters/collector/status_text.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace apisensor::exporters {
namespace {

bool Contains(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  return it != haystack.end();
}

// gRPC's messages are several clauses ending anywhere; keep the first line, without a final
// period, so it ends our sentence.
std::string Clause(std::string_view message) {
  message = message.substr(0, message.find('\n'));
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) {
    message.remove_suffix(1);
  }
  std::string out(message.substr(0, 300));
  if (!out.empty() && std::isupper(static_cast<unsigned char>(out[0])) &&
      !(out.size() > 1 && std::isupper(static_cast<unsigned char>(out[1])))) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  return out;
}

}  // namespace

std::string DescribeStreamFailure(const grpc::Status& status) {
  const std::string& m = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return "the collector refused the agent's credentials (" + Clause(m) +
             "): check token_file and cert_file";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "the collector refused this agent (" + Clause(m) + ")";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "the collector refused a batch as too large (" + Clause(m) + ")";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "the server there is not an apisensor collector (" + Clause(m) + ")";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "no answer in time";
    default:
      break;
  }
  if (Contains(m, "connection refused")) return "connection refused";
  if (Contains(m, "dns resolution failed") || Contains(m, "domain name not found")) {
    return "the host name does not resolve";
  }
  if (Contains(m, "handshake") || Contains(m, "ssl") || Contains(m, "certificate")) {
    return "the TLS handshake failed (" + Clause(m) +
           "): check ca_file against the collector's certificate, and cert_file and key_file if "
           "it requires client certificates";
  }
  if (Contains(m, "timed out") || Contains(m, "timeout")) return "the connection timed out";
  if (Contains(m, "connection reset")) return "the connection was reset";
  if (Contains(m, "socket closed") || Contains(m, "goaway") || Contains(m, "shutdown") ||
      Contains(m, "broken pipe") || Contains(m, "end of file")) {
    return "the collector closed the connection";
  }
  if (m.empty())
    return "the stream ended (gRPC status " + std::to_string(status.error_code()) + ")";
  return Clause(m);
}

}  // namespace apisensor::exporters
