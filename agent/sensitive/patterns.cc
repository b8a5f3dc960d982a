#include "agent/sensitive/patterns.h"

#include <hs/hs.h>

#include <span>

namespace apisensor::sensitive {
namespace {

constexpr unsigned kCaseless = HS_FLAG_CASELESS;

constexpr PatternSpec kPatterns[] = {
    // Email: one local-part character, '@', one domain character; the check reads outwards.
    {R"([A-Za-z0-9._%+\-]@[A-Za-z0-9])", 0, 3, {Kind::kEmail}, CheckEmail},

    // Phone: '+' (or its URL encoding) and a country code's first digit; the check reads on.
    {R"(\+[1-9])", 0, 2, {Kind::kPhone}, CheckPhoneInternational},
    {R"(%2B[1-9])", kCaseless, 4, {Kind::kPhone}, CheckPhoneInternational},
    // North American layouts: (415)555-2671, (415) 555-2671, 415-555-2671, 415.555.2671.
    {R"(\([2-9][0-9]{2}\)[2-9][0-9]{2}[\-.][0-9]{4})",
     0,
     13,
     {Kind::kPhone},
     CheckPhoneNanpParenthesised},
    {R"(\([2-9][0-9]{2}\) [2-9][0-9]{2}[\-. ][0-9]{4})",
     0,
     14,
     {Kind::kPhone},
     CheckPhoneNanpParenthesised},
    {R"([2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4})", 0, 12, {Kind::kPhone}, CheckPhoneNanpSeparated},
    {R"([2-9][0-9]{2}\.[2-9][0-9]{2}\.[0-9]{4})", 0, 12, {Kind::kPhone}, CheckPhoneNanpSeparated},

    // Cards and IBANs without separators: runs of digits and capitals, with the quotes, colons
    // and equals signs around JSON and form values so that 13-15 digit card numbers reach the 16
    // that makes this repeat cheap for Hyperscan.
    {R"([0-9A-Z":=]{16,40})", 0, 0, {Kind::kCreditCard, Kind::kIban}, CheckTokenRun},
    // Printed card layouts: 4-4-4-4, 4-4-4-4-3, 4-6-5 (Amex), 4-6-4 (Diners); spaces or dashes.
    {R"([0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4})",
     0,
     19,
     {Kind::kCreditCard},
     CheckCardGrouped},
    {R"([0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}[ \-][0-9]{3})",
     0,
     23,
     {Kind::kCreditCard},
     CheckCardGrouped},
    {R"([0-9]{4}[ \-][0-9]{6}[ \-][0-9]{5})", 0, 17, {Kind::kCreditCard}, CheckCardGrouped},
    {R"([0-9]{4}[ \-][0-9]{6}[ \-][0-9]{4})", 0, 16, {Kind::kCreditCard}, CheckCardGrouped},

    // National ids: US SSN (dashed only); UK National Insurance number, quoted or spaced.
    {R"([0-9]{3}-[0-9]{2}-[0-9]{4})", 0, 11, {Kind::kNationalId}, CheckUsSsn},
    {R"("[A-Z]{2}[0-9]{6}[A-D]")", 0, 11, {Kind::kNationalId}, CheckUkNino},
    {R"([A-Z]{2} [0-9]{2} [0-9]{2} [0-9]{2} [A-D])", 0, 13, {Kind::kNationalId}, CheckUkNino},

    // IBAN printed in groups of four: its first group and the space after it.
    {R"([A-Z]{2}[0-9]{2} [A-Z0-9]{4} )", 0, 10, {Kind::kIban}, CheckIbanGrouped},

    // IP addresses. IPv4: from the first group's last digit to the last group's first digit.
    // IPv6: "::", or a four-digit group followed by another group (2001:db8:…, fe80:1:…); the
    // check finds the token around them.
    {R"([0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9])", 0, 0, {Kind::kIpAddress}, CheckIpv4},
    {R"(::)", 0, 2, {Kind::kIpAddress}, CheckIpv6},
    {R"([0-9A-Fa-f]{4}:[0-9A-Fa-f]{1,4}:)", 0, 0, {Kind::kIpAddress}, CheckIpv6},

    // JWT: header "eyJ" ('{"' in base64url), a dot and the payload's first character.
    {R"(eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-])", 0, 0, {Kind::kJwt}, CheckJwt},

    // PEM / OpenSSH / PGP private keys.
    {R"(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)",
     0,
     0,
     {Kind::kPrivateKey},
     CheckPrivateKeyMarker},

    // Cloud access keys: AWS access key ids (long-term and temporary), Google API keys, GitHub
    // tokens (classic personal, OAuth, user-to-server, server-to-server, refresh; fine-grained
    // personal), Slack tokens, Stripe live secret and restricted keys.
    {R"((?:AKIA|ASIA)[A-Z2-7]{16})", 0, 20, {Kind::kCloudAccessKey}, CheckStandaloneKey},
    {R"(AIza[0-9A-Za-z_\-]{35})", 0, 39, {Kind::kCloudAccessKey}, CheckStandaloneKey},
    {R"(gh[pousr]_[A-Za-z0-9]{36})", 0, 40, {Kind::kCloudAccessKey}, CheckStandaloneKey},
    {R"(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})",
     0,
     93,
     {Kind::kCloudAccessKey},
     CheckStandaloneKey},
    {R"(xox[abprs]-[A-Za-z0-9]{1,40}-[A-Za-z0-9])", 0, 0, {Kind::kCloudAccessKey}, CheckSlackToken},
    {R"((?:sk|rk)_live_[A-Za-z0-9]{24})", 0, 32, {Kind::kCloudAccessKey}, CheckKeyPrefix},

    // Password fields: a name ending like a password field's, bound to a value as a JSON member
    // (also JSON inside a JSON string), a form or query field, a multipart part or an XML
    // element; the match ends at the value's first character.
    {R"((?:pass(?:word|wd|phrase|code)?|pwd|secret))"
     R"((?:\\?"[ \t\r\n]*:[ \t\r\n]*[^ \t\r\n]|(?:\]|%5D)?=[^&\s]|"\r?\n\r?\n[^\r\n]|>[^<\s]))",
     kCaseless,
     0,
     {Kind::kPassword},
     CheckPasswordField},
};

}  // namespace

std::span<const PatternSpec> Patterns() { return kPatterns; }

}  // namespace apisensor::sensitive
