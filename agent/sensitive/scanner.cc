#include "agent/sensitive/scanner.h"

#include <hs/hs.h>

#include <cstring>
#include <span>
#include <stdexcept>
#include <string_view>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/password_field.h"
#include "agent/sensitive/patterns.h"

namespace apisensor::sensitive {
namespace {

struct ScanContext {
  std::string_view text;
  std::span<const PatternSpec> patterns;
  KindSet found;
  CheckState checks;
  ScanStats* stats;
};

// Hyperscan match callback; a non-zero return ends the scan (HS_SCAN_TERMINATED).
int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* raw_context) {
  ScanContext& context = *static_cast<ScanContext*>(raw_context);
  const PatternSpec& pattern = context.patterns[id];
  if ((pattern.kinds & context.checks.pending).empty()) return 0;
  ++context.stats->candidates;
  const size_t end = static_cast<size_t>(to);
  const Match match{context.text, end - pattern.width, end};
  const KindSet confirmed = pattern.check(match, context.checks) & context.checks.pending;
  if (confirmed.empty()) {
    ++context.stats->candidates_rejected;
    return 0;
  }
  context.found |= confirmed;
  context.checks.pending = context.checks.pending.Without(confirmed);
  return context.checks.pending.empty() ? 1 : 0;
}

}  // namespace

Scanner::Scanner() : database_(hyperscan::CompileBlockDatabase(Patterns())) {}

Scanner::Scratch Scanner::NewScratch() const {
  return Scratch(hyperscan::AllocateScratch(database_.get()), database_.get());
}

void Scanner::RequireOwnScratch(const Scratch& scratch) const {
  if (scratch.database_ != database_.get() || scratch.space_ == nullptr) {
    throw std::invalid_argument(
        "sensitive::Scanner needs a scratch made by the same Scanner and not moved from");
  }
}

KindSet Scanner::Scan(std::string_view text, Scratch& scratch, KindSet already_known) const {
  RequireOwnScratch(scratch);
  const KindSet wanted = KindSet::All().Without(already_known);
  if (text.empty() || wanted.empty()) return {};
  ScanStats& stats = scratch.stats_;
  ++stats.scans;
  if (text.size() > kMaxScanBytes) {
    ++stats.truncated_scans;
    stats.bytes_not_scanned += text.size() - kMaxScanBytes;
    text = text.substr(0, kMaxScanBytes);
  }
  stats.bytes_scanned += text.size();
  ScanContext context{text, Patterns(), {}, {}, &stats};
  context.checks.pending = wanted;
  const hs_error_t rc = hs_scan(database_.get(), text.data(), static_cast<unsigned>(text.size()), 0,
                                scratch.space_.get(), &OnMatch, &context);
  if (rc == HS_SCAN_TERMINATED) {
    ++stats.early_stops;
  } else if (rc != HS_SUCCESS) {
    ++stats.scan_errors;
  }
  stats.candidates_oversized += context.checks.oversized;
  return context.found;
}

KindSet Scanner::ScanFields(std::span<const Field> fields, Scratch& scratch,
                            KindSet already_known) const {
  RequireOwnScratch(scratch);
  KindSet found;
  for (const Field& field : fields) {
    if (IsPasswordFieldName(field.name) && !IsPlaceholderValue(field.value)) {
      found.Add(Kind::kPassword);
      break;
    }
  }
  found = found.Without(already_known);
  char* const buffer = scratch.field_buffer_.get();
  size_t used = 0;
  auto flush = [&] {
    if (used > 0) found |= Scan({buffer, used}, scratch, already_known | found);
    used = 0;
  };
  for (const Field& field : fields) {
    if (KindSet::All().Without(already_known) == found) break;
    const std::string_view value = field.value;
    if (value.size() >= kFieldBufferBytes) {
      found |= Scan(value, scratch, already_known | found);
      continue;
    }
    if (used + value.size() + 1 > kFieldBufferBytes) flush();
    // Joined with a line break: it ends a value for every pattern (only JSON and multipart
    // syntax read across white space, and no single header value ends inside either).
    std::memcpy(buffer + used, value.data(), value.size());
    used += value.size();
    buffer[used++] = '\n';
  }
  flush();
  return found;
}

KindSet Scanner::ScanField(std::string_view name, std::string_view value, Scratch& scratch,
                           KindSet already_known) const {
  KindSet by_name;
  if (!already_known.Has(Kind::kPassword) && IsPasswordFieldName(name) &&
      !IsPlaceholderValue(value)) {
    by_name.Add(Kind::kPassword);
  }
  return by_name | Scan(value, scratch, already_known | by_name);
}

}  // namespace apisensor::sensitive
