// Orders `info.version` strings to tell which spec of an API is the latest.
//
// A version is read as runs of digits (numbers) and runs of other characters (labels); '.', '-',
// '_', '+' and spaces only separate runs, and a leading 'v' is ignored. Runs compare left to
// right: numbers numerically, labels as strings, a number above a label ("2.1" > "2.beta").
// When one side runs out, a missing number counts as 0 ("2" == "2.0.0") and a label left on the
// longer side marks a pre-release ("2.0.0-rc1" < "2.0.0"). Dates ("2024-03-01") therefore order
// as expected, and versions without digits ("alpha", "beta") in plain string order.
#pragma once

#include <string_view>

namespace apisensor::openapi {

// < 0, 0, > 0 as a is older than, equal to, or newer than b. Equal versions ("1.0" and "1.0.0")
// are ties: the caller decides (ServiceSpecs treats tied latest specs as one current version).
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace apisensor::openapi
