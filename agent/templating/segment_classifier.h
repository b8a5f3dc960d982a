// Classifies one canonical path segment (as produced by PathTokenizer: percent-escapes decoded
// where the byte is URI-safe, everything else re-escaped) as a literal name or as a value that
// stands for a parameter. Conservative on purpose: a value the classifier misses is still
// learned by the templater's cardinality rule, while a name it wrongly templates (`/users/me`,
// `/api/v2`, `sha256`) can never be recovered.
//
//   kInteger   all digits, any length (20240131 included)
//   kUuid      8-4-4-4-12 hex digits
//   kObjectId  24 hex digits with at least one digit (MongoDB ObjectId)
//   kHex       >= 8 hex digits, at least one digit, letters all one case (digests, short SHAs)
//   kDate      YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm[...] (years 1900-2199)
//   kEmail     local@domain.tld
//   kToken     base64/base64url-like, >= 6 bytes, high entropy: a letter+digit run that
//              alternates at least twice with >= 3 digits (a1b2c3, x7Kp92mQ), a prefixed number
//              with >= 5 digits and no more letters than digits (ORD12345678, cust_000123),
//              >= 16 bytes of mixed case that do not read as words (few letters in lowercase
//              runs of 3+, isolated lowercase letters and digits: base64url ids), '='-padded
//              base64 of a multiple of 4 bytes, or a JWT (eyJ...x.y.z)
//   kLiteral   everything else: words, slugs (lowercase words and numbers joined by '-'),
//              versions (v1, v10, v20240131), file names, names with one number (sha256, x86_64)
#pragma once

#include <cstdint>
#include <string_view>

#include "agent/templating/template_tokens.h"

namespace apisensor::templating {

enum class SegmentKind : uint8_t {
  kLiteral,
  kInteger,
  kUuid,
  kHex,
  kObjectId,
  kToken,
  kDate,
  kEmail
};

SegmentKind ClassifySegment(std::string_view segment);

// The template edge a classified segment becomes: kId for integers, UUIDs, hex, ObjectIds and
// tokens, kDate, kEmail, and kLiteral for literals.
EdgeKind EdgeKindFor(SegmentKind kind);

// "{id}", "{date}", "{email}"; "" for kLiteral.
inline std::string_view ParameterToken(SegmentKind kind) { return TokenText(EdgeKindFor(kind)); }

}  // namespace apisensor::templating
