#include "agent/exchange/request_target.h"

#include <algorithm>

namespace apisensor {
namespace {

bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool IsSchemeChar(char c) {
  return IsAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

// Length of "scheme://" at the start of `target`, or 0 when it is not an absolute URI.
size_t SchemePrefixLength(std::string_view target) {
  if (target.empty() || !IsAlpha(target.front())) return 0;
  size_t i = 1;
  while (i < target.size() && IsSchemeChar(target[i])) ++i;
  return target.substr(i).starts_with("://") ? i + 3 : 0;
}

void CollectQueryKeys(std::string_view query, RequestTarget& out) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::string_view key = pair.substr(0, pair.find('='));
    if (key.empty() ||
        std::find(out.query_keys.begin(), out.query_keys.end(), key) != out.query_keys.end()) {
      continue;
    }
    if (out.query_keys.size() == RequestTarget::kMaxQueryKeys) {
      out.query_keys_truncated = true;
      return;
    }
    out.query_keys.push_back(key);
  }
}

}  // namespace

void ParseRequestTarget(std::string_view target, RequestTarget& out) {
  out.authority = {};
  out.path = {};
  out.query_keys.clear();
  out.query_keys_truncated = false;

  // Clients must not send a fragment, but some do; it never reaches the server's routing.
  target = target.substr(0, target.find('#'));
  if (target == "*") {
    out.path = target;  // asterisk-form: OPTIONS for the whole server
    return;
  }
  if (!target.empty() && target.front() != '/') {
    const size_t prefix = SchemePrefixLength(target);
    if (prefix == 0) {
      out.authority = target;  // authority-form: CONNECT host:port
      return;
    }
    target.remove_prefix(prefix);  // absolute-form: proxies, and some clients
    const size_t authority_end = target.find_first_of("/?");
    std::string_view authority = target.substr(0, authority_end);
    // "user:password@host" is a credential: keep only the host.
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    out.authority = authority;
    target =
        authority_end == std::string_view::npos ? std::string_view() : target.substr(authority_end);
    if (target.empty() || target.front() == '?') {
      out.path = "/";
      if (!target.empty()) CollectQueryKeys(target.substr(1), out);
      return;
    }
  }
  const size_t question = target.find('?');
  out.path = target.substr(0, question);
  if (question != std::string_view::npos) CollectQueryKeys(target.substr(question + 1), out);
}

RequestTarget ParseRequestTarget(std::string_view target) {
  RequestTarget out;
  ParseRequestTarget(target, out);
  return out;
}

std::string_view MediaType(std::string_view content_type, std::string& scratch) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  const auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (std::none_of(type.begin(), type.end(), is_upper)) return type;
  scratch.assign(type);
  for (char& c : scratch) {
    if (is_upper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return scratch;
}

}  // namespace apisensor
