#include "tests/unit/exporters_collector/test_pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace apisensor::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

Key NewKey() {
  Key key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "EVP_EC_gen");
  return key;
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  Check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// Signed by `issuer`/`issuer_key`, or self-signed when they are null.
Cert NewCert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, long serial,
             bool ca, const char* usage, const char* san) {
  Cert cert(X509_new());
  X509* x = cert.get();
  Check(X509_set_version(x, 2) == 1, "X509_set_version");
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  Check(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : x;
  Check(X509_set_issuer_name(x, X509_get_subject_name(signer)) == 1, "X509_set_issuer_name");
  AddExt(x, signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExt(x, signer, NID_subject_key_identifier, "hash");
  if (ca) {
    AddExt(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExt(x, signer, NID_authority_key_identifier, "keyid");
    AddExt(x, signer, NID_key_usage, "critical,digitalSignature");
    AddExt(x, signer, NID_ext_key_usage, usage);
    if (san != nullptr) AddExt(x, signer, NID_subject_alt_name, san);
  }
  Check(X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::string Pem(X509* cert) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string Pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

TestPki::TestPki(const std::string& ca_name) {
  char tmpl[] = "/tmp/apisensor-pki-XXXXXX";
  Check(mkdtemp(tmpl) != nullptr, "mkdtemp");
  dir = tmpl;
  Key ca_key = NewKey();
  Cert ca = NewCert(ca_name, ca_key.get(), nullptr, nullptr, 1, true, nullptr, nullptr);
  Key server_key = NewKey();
  Cert server = NewCert("localhost", server_key.get(), ca.get(), ca_key.get(), 2, false,
                        "serverAuth", "DNS:localhost,IP:127.0.0.1");
  Key client_key = NewKey();
  Cert client = NewCert("test-agent", client_key.get(), ca.get(), ca_key.get(), 3, false,
                        "clientAuth", nullptr);
  ca_pem = Pem(ca.get());
  server_cert_pem = Pem(server.get());
  server_key_pem = Pem(server_key.get());
  client_cert_pem = Pem(client.get());
  client_key_pem = Pem(client_key.get());
  Write("ca.pem", ca_pem);
  Write("server.pem", server_cert_pem);
  Write("server.key", server_key_pem);
  Write("client.pem", client_cert_pem);
  Write("client.key", client_key_pem);
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

std::string TestPki::Write(const std::string& name, const std::string& contents) const {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
  return path;
}

}  // namespace apisensor::testing
