// A throwaway certificate authority made with OpenSSL at test time: a CA, a server certificate
// for localhost and 127.0.0.1, and a client certificate, all PEM, written to a temporary
// directory that goes away with the object.
#pragma once

#include <string>

namespace apisensor::testing {

struct TestPki {
  // `dir` receives ca.pem, server.pem, server.key, client.pem, client.key.
  explicit TestPki(const std::string& ca_name = "apisensor test CA");
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  std::string dir;
  std::string ca_pem, server_cert_pem, server_key_pem, client_cert_pem, client_key_pem;
  std::string ca_file() const { return dir + "/ca.pem"; }
  std::string client_cert_file() const { return dir + "/client.pem"; }
  std::string client_key_file() const { return dir + "/client.key"; }
  // Writes `contents` to dir/name and returns the path.
  std::string Write(const std::string& name, const std::string& contents) const;
};

}  // namespace apisensor::testing
