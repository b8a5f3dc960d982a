// Checks that this host can run the sensor before libbpf is asked to, so that a user mistake
// gets one sentence saying what to do instead of a verifier log.
#pragma once

#include <optional>
#include <string>

namespace apisensor::capture {

// Returns the reason this process cannot load the sensor's BPF programs, or nothing when it can.
std::optional<std::string> PreflightProblem();

}  // namespace apisensor::capture
