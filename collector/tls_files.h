// The collector's credentials, read and checked at start so that a wrong path or a key that does
// not match its certificate is one sentence naming the flag, not a failed handshake later.
#pragma once

#include <string>

namespace apisensor::collector {

struct TlsFiles {
  std::string cert_chain;   // PEM: the server certificate, then any intermediates
  std::string private_key;  // PEM
  std::string client_ca;    // PEM: CAs that sign agents' client certificates; "" for none
};

// Throws std::runtime_error with one sentence. `ca` may be empty.
TlsFiles LoadTlsFiles(const std::string& cert, const std::string& key, const std::string& ca);

// A bearer token from `path` (trailing whitespace removed). Throws std::runtime_error with one
// sentence naming `flag` when the file cannot be read or is empty.
std::string ReadTokenFile(const std::string& path, const char* flag);

}  // namespace apisensor::collector
