// Tokenising of credential header values, shared by classification and redaction so both agree
// on where a scheme ends.
#pragma once

#include <string_view>

namespace apisensor::secrets {

// Optional whitespace around header values and list items (RFC 9110 OWS).
std::string_view TrimWhitespace(std::string_view s);

struct AuthorizationParts {
  std::string_view scheme;       // "" when the value has no scheme
  std::string_view credentials;  // everything after the scheme, trimmed; the whole value if none
};

// "Bearer abc" → {"Bearer", "abc"}. A value is taken to have a scheme only when its first word
// is an RFC 9110 token of plausible length followed by more text, so a bare secret is never
// mistaken for a scheme and kept in clear.
AuthorizationParts SplitAuthorization(std::string_view value);

}  // namespace apisensor::secrets
