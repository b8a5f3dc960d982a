// JSON Web Tokens (RFC 7519, compact JWS/JWE serialisation): is a base64url segment a JOSE
// header? It must decode (unpadded base64url) to a JSON object with a string "alg" member.
// Decoding uses a fixed stack buffer; a header longer than kMaxJwtHeaderChars is not decoded
// and reported as kTooLong, so the caller can count it (real headers are well under 1 KiB, even
// with an embedded key).
#pragma once

#include <cstddef>
#include <string_view>

namespace apisensor::sensitive {

inline constexpr size_t kMaxJwtHeaderChars = 1364;  // decodes to at most 1023 bytes

enum class JwtHeaderVerdict { kNotAHeader, kHeader, kTooLong };

JwtHeaderVerdict CheckJwtHeader(std::string_view encoded_header);

}  // namespace apisensor::sensitive
