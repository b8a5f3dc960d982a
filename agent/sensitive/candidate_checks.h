// Second stage of the scan: Hyperscan reports where a pattern matched, and the check registered
// with that pattern (patterns.h) decides, by looking at the text around the match, which kinds
// it really is. Checks only read the text, allocate nothing and do bounded work per match, so a
// scan stays linear in the input whatever it contains.
//
// No check needs a start-of-match offset from Hyperscan (HS_FLAG_SOM_LEFTMOST would slow the
// whole database down): fixed-width patterns get `begin` from their width, and the others end
// where the value's extent can be recovered unambiguously.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/sensitive/kind.h"

namespace apisensor::sensitive {

struct Match {
  std::string_view text;  // the whole buffer being scanned
  size_t begin;           // start of the match for fixed-width patterns; == end otherwise
  size_t end;             // one past the match's last byte
};

// What the checks of one scan share.
struct CheckState {
  KindSet pending;  // wanted and not found yet: a check may skip work for anything else
  // Patterns that report every end offset inside a long token (the bounded repeats) judge the
  // token once; later matches that end inside it are skipped.
  size_t token_checked_until = 0;
  size_t ipv6_checked_until = 0;
  uint64_t oversized = 0;  // candidates dropped because they went past a work or buffer cap
};

using CandidateCheck = KindSet (*)(const Match& match, CheckState& state);

inline KindSet ConfirmedIf(bool confirmed, Kind kind) {
  return confirmed ? KindSet{kind} : KindSet{};
}

// Cards and IBANs without separators (run_candidates.cc): a run of digits, capitals and the
// JSON / form punctuation around values, judged piece by piece.
KindSet CheckTokenRun(const Match& match, CheckState& state);
// Payment cards in printed layouts, national ids (number_candidates.cc).
KindSet CheckCardGrouped(const Match& match, CheckState& state);
KindSet CheckUsSsn(const Match& match, CheckState& state);
KindSet CheckUkNino(const Match& match, CheckState& state);  // quoted compact or spaced
// Phones (phone_candidates.cc).
KindSet CheckPhoneInternational(const Match& match, CheckState& state);  // ends at first digit
KindSet CheckPhoneNanpParenthesised(const Match& match, CheckState& state);
KindSet CheckPhoneNanpSeparated(const Match& match, CheckState& state);
// Addresses (address_candidates.cc).
KindSet CheckEmail(const Match& match, CheckState& state);  // fixed: local char, '@', domain char
KindSet CheckIpv4(const Match& match, CheckState& state);   // ends at the last group's first digit
KindSet CheckIpv6(const Match& match, CheckState& state);   // any anchor inside the token
// IBANs in groups of four and credentials (token_candidates.cc).
KindSet CheckIbanGrouped(const Match& match, CheckState& state);  // fixed-width first group
KindSet CheckJwt(const Match& match, CheckState& state);  // ends at the payload's first character
KindSet CheckPrivateKeyMarker(const Match& match, CheckState& state);
KindSet CheckStandaloneKey(const Match& match, CheckState& state);  // no token char either side
KindSet CheckKeyPrefix(const Match& match, CheckState& state);      // no token char before
KindSet CheckSlackToken(const Match& match, CheckState& state);
// Password fields (password_candidates.cc): JSON member, form field, multipart part or XML
// element; the match ends at the value's first character.
KindSet CheckPasswordField(const Match& match, CheckState& state);

}  // namespace apisensor::sensitive
