#include "agent/api/endpoint_query.h"

#include <charconv>
#include <ctime>

namespace apisensor::api {
namespace {

bool ParseSize(const std::string& text, size_t& out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && p == end;
}

}  // namespace

std::optional<uint64_t> ParseTimeNs(const std::string& text) {
  uint64_t seconds = 0;
  const char* end = text.data() + text.size();
  if (auto [p, ec] = std::from_chars(text.data(), end, seconds); ec == std::errc() && p == end) {
    return seconds * 1'000'000'000ULL;
  }
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  uint64_t nanos = 0;
  if (*rest == '.') {
    uint64_t scale = 100'000'000;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) {
      nanos += static_cast<uint64_t>(*rest - '0') * scale;
    }
  }
  int64_t offset_s = 0;
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int hh = 0, mm = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset_s = (hh * 3600 + mm * 60) * (*rest == '+' ? 1 : -1);
    rest += 6;
  } else {
    return std::nullopt;
  }
  if (*rest != '\0') return std::nullopt;
  const int64_t t = static_cast<int64_t>(timegm(&tm)) - offset_s;
  if (t < 0) return std::nullopt;
  return static_cast<uint64_t>(t) * 1'000'000'000ULL + nanos;
}

std::optional<std::string> ParseEndpointQuery(const std::multimap<std::string, std::string>& params,
                                              EndpointQuery& out) {
  for (const auto& [name, value] : params) {
    if (name == "service") {
      out.service = value;
    } else if (name == "method") {
      out.method = value;
    } else if (name == "state" || name == "status") {
      inventory::EndpointState state;
      if (!inventory::EndpointStateFromName(value, state)) {
        return "unknown state '" + value + "': use declared, shadow, zombie or unused";
      }
      out.state = state;
    } else if (name == "auth") {
      out.auth = secrets::AuthKindFromName(value);
      if (!out.auth) {
        return "unknown auth '" + value +
               "': use none, basic, bearer, jwt, digest, api_key_header, api_key_query, "
               "cookie_session, mtls or other";
      }
    } else if (name == "sensitive") {
      out.sensitive = sensitive::KindFromName(value);
      if (!out.sensitive) {
        return "unknown sensitive kind '" + value +
               "': use email, phone, credit_card, national_id, iban, ip_address, jwt, "
               "private_key, cloud_access_key or password";
      }
    } else if (name == "since") {
      const std::optional<uint64_t> ns = ParseTimeNs(value);
      if (!ns) return "since must be RFC 3339 (2026-11-23T10:00:00Z) or seconds since the epoch";
      out.since_ns = *ns;
    } else if (name == "limit") {
      if (!ParseSize(value, out.limit) || out.limit == 0 || out.limit > EndpointQuery::kMaxLimit) {
        return "limit must be a number from 1 to " + std::to_string(EndpointQuery::kMaxLimit);
      }
    } else if (name == "offset") {
      if (!ParseSize(value, out.offset)) return "offset must be a non-negative number";
    } else {
      return "unknown parameter '" + name +
             "': filters are service, method, state, auth, sensitive, since, limit, offset";
    }
  }
  return std::nullopt;
}

bool Matches(const EndpointQuery& q, const inventory::EndpointView& e) {
  if (q.service && e.service != *q.service) return false;
  if (q.method && e.method != *q.method) return false;
  if (q.state && e.state != *q.state) return false;
  if (q.auth && e.stats.auth[static_cast<size_t>(*q.auth)] == 0) return false;
  if (q.sensitive && !e.stats.request.sensitive.Has(*q.sensitive) &&
      !e.stats.response.sensitive.Has(*q.sensitive)) {
    return false;
  }
  if (q.since_ns != 0 && e.stats.last_seen_ns < q.since_ns) return false;
  return true;
}

}  // namespace apisensor::api
