// Finds which kinds of sensitive data (kind.h) a text contains: request and response body
// samples, header values, query values. One pass of one Hyperscan database finds candidates for
// every kind; each candidate is then confirmed in C++ (Luhn, mod-97, SSN rules, boundaries…; see
// README.md for every rule and its precision/recall trade-off). The answer is a set of kinds,
// never positions or values: nothing sensitive is copied out.
//
// Threads: a Scanner is immutable after construction and shared freely; each thread needs its
// own Scratch (NewScratch), which must come from the same Scanner. Scan never allocates.
//
// Work is bounded: a scan stops as soon as every wanted kind has been found, texts beyond
// kMaxScanBytes are scanned only up to that cap, and every candidate check does bounded work.
// Everything dropped is counted in the scratch's ScanStats.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "agent/sensitive/hyperscan_handles.h"
#include "agent/sensitive/kind.h"
#include "agent/sensitive/scan_stats.h"

namespace apisensor::sensitive {

// Body samples are 4 KiB; the cap only bounds the cost of an unexpected caller.
inline constexpr size_t kMaxScanBytes = size_t{1} << 20;

// ScanFields joins short values into one buffer of this size per scratch: every Hyperscan call
// costs about as much as scanning 100 bytes, so one call per header would dominate.
inline constexpr size_t kFieldBufferBytes = 16 * 1024;

// A header, query parameter or form field.
struct Field {
  std::string_view name;
  std::string_view value;
};

class Scanner {
 public:
  // Per-thread Hyperscan scratch space and counters. Movable, not copyable.
  class Scratch {
   public:
    Scratch(Scratch&&) noexcept = default;
    Scratch& operator=(Scratch&&) noexcept = default;

    const ScanStats& stats() const { return stats_; }

   private:
    friend class Scanner;
    Scratch(hyperscan::ScratchSpace space, const hs_database* database)
        : space_(std::move(space)),
          database_(database),
          field_buffer_(std::make_unique<char[]>(kFieldBufferBytes)) {}

    hyperscan::ScratchSpace space_;
    const hs_database* database_;
    std::unique_ptr<char[]> field_buffer_;  // kFieldBufferBytes, for ScanFields
    ScanStats stats_;
  };

  // Compiles the pattern database. Throws std::runtime_error with one sentence when the CPU
  // lacks SSSE3 or Hyperscan rejects a pattern.
  Scanner();
  Scanner(Scanner&&) noexcept = default;
  Scanner& operator=(Scanner&&) noexcept = default;

  // Throws std::runtime_error when scratch space cannot be allocated.
  Scratch NewScratch() const;

  // The kinds found in `text`, leaving out `already_known` (for instance what the endpoint is
  // already known to carry): those are not looked for, so the scan can stop sooner. Throws
  // std::invalid_argument when `scratch` comes from another Scanner or was moved from.
  KindSet Scan(std::string_view text, Scratch& scratch, KindSet already_known = {}) const;

  // Like Scan(value), plus kPassword when `name` is a password field name (password_field.h)
  // and `value` is not a placeholder: for query parameters, form fields and headers, whose name
  // is not part of the scanned text.
  KindSet ScanField(std::string_view name, std::string_view value, Scratch& scratch,
                    KindSet already_known = {}) const;

  // ScanField over many fields (an exchange's headers and query parameters) with as few
  // Hyperscan calls as possible: values are joined, one per line, into the scratch's buffer and
  // scanned together; a value larger than the buffer is scanned on its own.
  KindSet ScanFields(std::span<const Field> fields, Scratch& scratch,
                     KindSet already_known = {}) const;

 private:
  void RequireOwnScratch(const Scratch& scratch) const;

  hyperscan::Database database_;
};

}  // namespace apisensor::sensitive
