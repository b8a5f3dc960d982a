#include "agent/secrets/credential_redactor.h"

#include "agent/secrets/credential_headers.h"
#include "agent/secrets/credential_syntax.h"

namespace apisensor::secrets {

void CredentialRedactor::Redact(std::vector<http::Header>& headers) {
  for (http::Header& header : headers) {
    const CredentialKind kind = ClassifyHeader(header.name);
    // An empty value hides nothing, and leaving it shows that the header was sent empty.
    if (kind == CredentialKind::kNone || TrimWhitespace(header.value).empty()) continue;
    scratch_.clear();
    switch (kind) {
      case CredentialKind::kAuthorization:
        RedactAuthorization(header.value);
        break;
      case CredentialKind::kCookie:
      case CredentialKind::kSetCookie:
        RedactCookie(header.value, kind == CredentialKind::kSetCookie);
        break;
      case CredentialKind::kOpaque:
      case CredentialKind::kNone:
        fingerprinter_.AppendTo(TrimWhitespace(header.value), scratch_);
        break;
    }
    header.value.swap(scratch_);
  }
}

void CredentialRedactor::RedactAuthorization(std::string_view value) {
  const AuthorizationParts parts = SplitAuthorization(value);
  // Without a scheme there is nothing to keep; a "jwt" marker there would read as a scheme.
  if (!parts.scheme.empty()) {
    scratch_.append(parts.scheme);
    scratch_ += ' ';
    if (LooksLikeJwt(parts.credentials)) scratch_ += "jwt ";
  }
  fingerprinter_.AppendTo(parts.credentials, scratch_);
}

void CredentialRedactor::RedactCookie(std::string_view value, bool set_cookie) {
  bool first = true;
  while (!value.empty()) {
    const size_t semicolon = value.find(';');
    const std::string_view item = TrimWhitespace(value.substr(0, semicolon));
    value = semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon + 1);
    if (item.empty()) continue;
    if (!first) scratch_ += "; ";
    if (set_cookie && !first) {
      scratch_.append(item);  // Path, Domain, Expires, HttpOnly...: describe the cookie, no secret
    } else if (const size_t equals = item.find('='); equals == std::string_view::npos) {
      fingerprinter_.AppendTo(item, scratch_);  // a nameless value
    } else {
      scratch_.append(TrimWhitespace(item.substr(0, equals)));
      scratch_ += '=';
      const std::string_view cookie_value = TrimWhitespace(item.substr(equals + 1));
      if (!cookie_value.empty()) fingerprinter_.AppendTo(cookie_value, scratch_);
    }
    first = false;
  }
}

}  // namespace apisensor::secrets
