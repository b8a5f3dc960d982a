// Fuzzes the sensitive-data scanner with arbitrary bytes: every candidate check runs on whatever
// surrounds a match, at buffer edges and in hostile repetitions. Besides memory safety, checks:
//   - the same text gives the same kinds twice (no state leaks between scans in a scratch);
//   - leaving kinds out (already_known) removes exactly those kinds from the answer: each kind's
//     detection is independent of the others' and of early stopping;
//   - ScanFields over the input's lines finds what one scan of the lines joined finds;
//   - Hyperscan never reports an error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agent/sensitive/kind.h"
#include "agent/sensitive/scanner.h"

namespace {

using apisensor::sensitive::Field;
using apisensor::sensitive::KindSet;
using apisensor::sensitive::Scanner;

void Require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Scanner scanner;
  static Scanner::Scratch scratch = scanner.NewScratch();
  if (size == 0) return 0;
  // The first byte chooses the kinds to leave out; the rest is the text.
  const KindSet left_out = KindSet::FromBits(static_cast<uint16_t>(data[0] * 5));
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const KindSet all = scanner.Scan(text, scratch);
  Require(scanner.Scan(text, scratch) == all);
  Require(scanner.Scan(text, scratch, left_out) == all.Without(left_out));

  if (text.size() < apisensor::sensitive::kFieldBufferBytes) {
    std::vector<Field> fields;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      fields.push_back({{}, text.substr(start, end - start)});
      start = end + 1;
    }
    const std::string joined = std::string(text) + '\n';
    Require(scanner.ScanFields(fields, scratch) == scanner.Scan(joined, scratch));
  }
  Require(scratch.stats().scan_errors == 0);
  return 0;
}
