// The fingerprint key on disk. Persisting it keeps tags stable across agent restarts, which is
// what lets a credential be followed over days; guarding its mode keeps others from computing
// tags of guessed secrets.
#pragma once

#include <filesystem>

#include "agent/secrets/fingerprint.h"

namespace apisensor::secrets {

// Reads the key at `path`, or creates it with fresh random bytes when it does not exist (parent
// directory created 0700, file created exclusively 0600, so concurrent starts agree on one key).
// Throws std::runtime_error with one sentence naming `path` when the file cannot be used.
Fingerprinter::Key LoadOrCreateKey(const std::filesystem::path& path);

}  // namespace apisensor::secrets
