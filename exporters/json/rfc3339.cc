#include "exporters/json/rfc3339.h"

#include <chrono>
#include <cstring>

namespace apisensor::exporters {
namespace {

constexpr uint64_t kNanosPerSecond = 1'000'000'000;
constexpr size_t kSecondsTextSize = 19;  // "2026-11-23T10:00:00"

// Writes `value` as exactly `width` decimal digits ending just before `end`.
void PutDigits(char* end, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

void FormatSeconds(uint64_t seconds, char* p) {
  using std::chrono::days;
  constexpr uint64_t kSecondsPerDay = 86'400;
  const uint64_t day_seconds = seconds % kSecondsPerDay;
  const std::chrono::year_month_day date{
      std::chrono::sys_days{days{static_cast<days::rep>(seconds / kSecondsPerDay)}}};
  // The largest uint64_t nanosecond count is in year 2554, so four year digits always suffice.
  PutDigits(p + 4, static_cast<uint64_t>(static_cast<int>(date.year())), 4);
  p[4] = '-';
  PutDigits(p + 7, static_cast<unsigned>(date.month()), 2);
  p[7] = '-';
  PutDigits(p + 10, static_cast<unsigned>(date.day()), 2);
  p[10] = 'T';
  PutDigits(p + 13, day_seconds / 3600, 2);
  p[13] = ':';
  PutDigits(p + 16, day_seconds / 60 % 60, 2);
  p[16] = ':';
  PutDigits(p + 19, day_seconds % 60, 2);
}

// Exchanges come many per second, so the date and time of day are usually those of the previous
// call: only the nanoseconds change. Per thread, so no locking.
struct SecondsCache {
  uint64_t seconds = UINT64_MAX;  // matches no input: a uint64_t nanosecond count is below it
  char text[kSecondsTextSize];
};
thread_local SecondsCache seconds_cache;

}  // namespace

std::string_view FormatRfc3339Nanos(uint64_t unix_ns, char (&out)[kRfc3339NanosSize]) {
  const uint64_t seconds = unix_ns / kNanosPerSecond;
  SecondsCache& cache = seconds_cache;
  if (cache.seconds != seconds) {
    FormatSeconds(seconds, cache.text);
    cache.seconds = seconds;
  }
  std::memcpy(out, cache.text, kSecondsTextSize);
  out[19] = '.';
  PutDigits(out + 29, unix_ns % kNanosPerSecond, 9);
  out[29] = 'Z';
  return std::string_view(out, kRfc3339NanosSize);
}

}  // namespace apisensor::exporters
