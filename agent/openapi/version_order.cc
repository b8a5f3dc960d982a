#include "agent/openapi/version_order.h"

#include <cstddef>

namespace apisensor::openapi {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) { return c == '.' || c == '-' || c == '_' || c == '+' || c == ' '; }

struct Run {
  bool number = false;
  std::string_view text;  // digits without leading zeros, or the label
};

// Reads runs one at a time without allocating.
class Runs {
 public:
  explicit Runs(std::string_view version) : rest_(version) {
    if (!rest_.empty() && (rest_.front() == 'v' || rest_.front() == 'V') && rest_.size() > 1 &&
        IsDigit(rest_[1])) {
      rest_.remove_prefix(1);
    }
  }

  bool Next(Run& run) {
    while (!rest_.empty() && IsSeparator(rest_.front())) rest_.remove_prefix(1);
    if (rest_.empty()) return false;
    run.number = IsDigit(rest_.front());
    size_t n = 0;
    while (n < rest_.size() && !IsSeparator(rest_[n]) && IsDigit(rest_[n]) == run.number) ++n;
    run.text = rest_.substr(0, n);
    rest_.remove_prefix(n);
    if (run.number) {
      while (run.text.size() > 1 && run.text.front() == '0') run.text.remove_prefix(1);
    }
    return true;
  }

 private:
  std::string_view rest_;
};

int CompareNumbers(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// The side that has runs left over: numbers other than 0 make it newer, a label makes it a
// pre-release (older); zeros are neutral.
int Leftover(Runs& runs, Run first) {
  Run run = first;
  do {
    if (!run.number) return -1;
    if (run.text != "0") return 1;
  } while (runs.Next(run));
  return 0;
}

}  // namespace

int CompareVersions(std::string_view a, std::string_view b) {
  Runs left(a);
  Runs right(b);
  Run x;
  Run y;
  while (true) {
    const bool has_x = left.Next(x);
    const bool has_y = right.Next(y);
    if (!has_x && !has_y) break;
    if (!has_y) return Leftover(left, x);
    if (!has_x) return -Leftover(right, y);
    if (x.number != y.number) return x.number ? 1 : -1;
    const int c = x.number ? CompareNumbers(x.text, y.text) : x.text.compare(y.text);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

}  // namespace apisensor::openapi
