#include "collector/tls_files.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace apisensor::collector {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

std::string ReadFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(std::string("cannot read ") + flag + " " + path + " (" +
                             std::strerror(errno) + ")");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Without a callback OpenSSL asks a terminal for the passphrase of an encrypted key: a daemon
// must refuse it instead.
int NoPassphrase(char*, int, int, void*) { return -1; }

Bio Memory(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Cert FirstCertificate(const std::string& pem, const char* flag, const std::string& path) {
  Bio bio = Memory(pem);
  Cert cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr) : nullptr);
  if (!cert) {
    throw std::runtime_error(std::string(flag) + " " + path +
                             " holds no PEM certificate ('-----BEGIN CERTIFICATE-----')");
  }
  return cert;
}

}  // namespace

TlsFiles LoadTlsFiles(const std::string& cert, const std::string& key, const std::string& ca) {
  // A failed read leaves errors queued on this thread, where a later TLS call would find them.
  struct ClearErrors {
    ~ClearErrors() { ERR_clear_error(); }
  } clear_errors;
  TlsFiles files;
  files.cert_chain = ReadFile(cert, "--tls-cert");
  files.private_key = ReadFile(key, "--tls-key");
  Cert leaf = FirstCertificate(files.cert_chain, "--tls-cert", cert);
  Bio key_bio = Memory(files.private_key);
  Key pkey(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr)
                   : nullptr);
  if (!pkey) {
    throw std::runtime_error("--tls-key " + key +
                             " holds no unencrypted PEM private key (an encrypted key cannot be "
                             "used unattended)");
  }
  if (X509_check_private_key(leaf.get(), pkey.get()) != 1) {
    throw std::runtime_error("--tls-key " + key + " is not the key of the certificate in " + cert);
  }
  if (!ca.empty()) {
    files.client_ca = ReadFile(ca, "--client-ca");
    FirstCertificate(files.client_ca, "--client-ca", ca);
  }
  return files;
}

std::string ReadTokenFile(const std::string& path, const char* flag) {
  std::string token = ReadFile(path, flag);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' ||
                            token.back() == '\t')) {
    token.pop_back();
  }
  if (token.empty()) throw std::runtime_error(std::string(flag) + " " + path + " is empty");
  return token;
}

}  // namespace apisensor::collector
