// Counters of one Scanner::Scratch (one thread's scans). Plain integers: a scratch is never
// shared, so nothing here is atomic; whoever owns the thread adds them into its metrics.
#pragma once

#include <cstdint>

namespace apisensor::sensitive {

struct ScanStats {
  uint64_t scans = 0;  // Scan/ScanField calls with a non-empty text
  uint64_t bytes_scanned = 0;
  uint64_t bytes_not_scanned = 0;  // beyond kMaxScanBytes in one text
  uint64_t truncated_scans = 0;    // texts longer than kMaxScanBytes
  uint64_t candidates = 0;         // pattern matches checked
  uint64_t candidates_rejected = 0;
  uint64_t candidates_oversized = 0;  // rejected because a check hit its work cap
  uint64_t early_stops = 0;           // scans ended once every wanted kind was found
  uint64_t scan_errors = 0;           // Hyperscan failures; the scan's result is what was found
};

}  // namespace apisensor::sensitive
