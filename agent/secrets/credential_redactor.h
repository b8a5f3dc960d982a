// Replaces credential values in HTTP headers, in place, by a keyed fingerprint, keeping only what
// identifies the kind of credential: the Authorization scheme (and whether a bearer token is a
// JWT), cookie names, Set-Cookie attributes. Runs before an exchange reaches any consumer, so
// nothing downstream ever holds a credential in clear. Body samples are left alone: they are
// analysed in memory and never exported.
#pragma once

#include <string>

#include "agent/secrets/fingerprint.h"
#include "parsers/http1/http_message.h"

namespace apisensor::secrets {

class CredentialRedactor {
 public:
  // `fingerprinter` must outlive the redactor. Like the fingerprinter, one per thread.
  explicit CredentialRedactor(Fingerprinter& fingerprinter) : fingerprinter_(fingerprinter) {}

  // Authorization / Proxy-Authorization: "Bearer <t>" → "Bearer fp:…", a JWT → "Bearer jwt fp:…",
  // "<Scheme> <rest>" → "<Scheme> fp:…", no scheme → "fp:…". Cookie: "a=1; b=2" →
  // "a=fp:…; b=fp:…". Set-Cookie: the first pair's value only. API-key style headers → "fp:…".
  void Redact(http::Message& message) { Redact(message.headers); }
  void Redact(std::vector<http::Header>& headers);

 private:
  void RedactAuthorization(std::string_view value);
  void RedactCookie(std::string_view value, bool set_cookie);

  Fingerprinter& fingerprinter_;
  // The replacement is built here and swapped in, so steady traffic reuses capacity.
  std::string scratch_;
};

}  // namespace apisensor::secrets
