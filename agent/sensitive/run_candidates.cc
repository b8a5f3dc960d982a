// The run pattern's check: cards and IBANs written without separators have no literal to trigger
// on, so one bounded repeat over their combined alphabet (plus the punctuation around JSON and
// form values) finds both, and this check splits the run into the values it may hold.
#include <string_view>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/standalone_values.h"
#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

constexpr size_t kMaxRunLookBehind = 64;  // a run's first match ends 16 bytes into it

bool IsRunChar(char c) { return IsDigit(c) || IsUpper(c) || c == '"' || c == ':' || c == '='; }

bool IsValuePunctuation(char c) { return c == '"' || c == ':' || c == '='; }

}  // namespace

KindSet CheckTokenRun(const Match& m, CheckState& state) {
  // The pattern reports every end offset of a long run, so the whole run is judged at its first
  // report and later reports inside it are skipped.
  if (m.end <= state.token_checked_until) return {};
  const std::string_view text = m.text;
  size_t begin = m.end;
  while (begin > 0 && IsRunChar(text[begin - 1]) && m.end - begin < kMaxRunLookBehind) --begin;
  size_t end = m.end;
  while (end < text.size() && IsRunChar(text[end])) ++end;
  state.token_checked_until = end;

  // Values sit between quotes, colons and equals signs ("pan":"4111…", iban=DE89…).
  KindSet found;
  size_t piece = begin;
  while (piece < end) {
    while (piece < end && IsValuePunctuation(text[piece])) ++piece;
    size_t piece_end = piece;
    while (piece_end < end && !IsValuePunctuation(text[piece_end])) ++piece_end;
    if (state.pending.Has(Kind::kCreditCard) && IsStandaloneCardNumber(text, piece, piece_end)) {
      found.Add(Kind::kCreditCard);
    } else if (state.pending.Has(Kind::kIban) && IsStandaloneIban(text, piece, piece_end)) {
      found.Add(Kind::kIban);
    }
    piece = piece_end;
  }
  return found;
}

}  // namespace apisensor::sensitive
