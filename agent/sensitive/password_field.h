// Which field names carry a password or client secret, and which values are only placeholders.
//
// A name counts when, ignoring case, it is password, passwd, pwd, pass, passphrase, passcode or
// secret, or ends in password, passwd, passphrase, passcode or secret (new_password,
// clientSecret, client_secret), or ends in a separated or camel-case pass/pwd (db_pass, user-pwd,
// dbPass). Names that only contain the word (password_hint, bypass, compass, passenger) do not,
// nor the shell's working-directory variable PWD. Bracketed form names use their last part
// (user[password], user%5Bpassword%5D).
//
// A value is a placeholder when it is empty, only '*' or '•' (raw or JSON-escaped), or a
// redaction marker such as
// [FILTERED] (Rails), <redacted>, null or undefined.
#pragma once

#include <cstddef>
#include <string_view>

namespace apisensor::sensitive {

inline constexpr size_t kMaxFieldNameLength = 64;

bool IsPasswordFieldName(std::string_view name);
bool IsPlaceholderValue(std::string_view value);

}  // namespace apisensor::sensitive
