#include "tests/unit/exporters_webhook/test_receiver.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

namespace apisensor::testing {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("making the test certificate: ") + what);
}

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  Check(ext != nullptr && X509_add_ext(cert, ext.get(), -1) == 1, "extension");
}

void WritePem(const std::string& path, const std::function<int(FILE*)>& write) {
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "open");
  const int ok = write(f);
  std::fclose(f);
  Check(ok == 1, "write");
}

std::string Sha256(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof(digest));
}

}  // namespace

TlsFiles MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                   const std::string& names) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "key");
  X509Ptr cert(X509_new());
  Check(cert != nullptr, "certificate");
  X509_set_version(cert.get(), 2);
  static int serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  AddExtension(cert.get(), NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), NID_subject_alt_name, names.c_str());
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");
  TlsFiles files{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  WritePem(files.cert, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  WritePem(files.key, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return files;
}

std::string HmacSha256Hex(const std::string& key, const std::string& message) {
  constexpr size_t kBlock = 64;
  std::string k = key.size() > kBlock ? Sha256(key) : key;
  k.resize(kBlock, '\0');
  std::string inner(kBlock, '\0');
  std::string outer(kBlock, '\0');
  for (size_t i = 0; i < kBlock; ++i) {
    inner[i] = static_cast<char>(k[i] ^ 0x36);
    outer[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  const std::string mac = Sha256(outer + Sha256(inner + message));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : mac) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xf]);
  }
  return hex;
}

WebhookReceiver::WebhookReceiver(std::string key, const TlsFiles* tls) : key_(std::move(key)) {
  if (tls != nullptr) {
    server_ = std::make_unique<httplib::SSLServer>(tls->cert.c_str(), tls->key.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  if (!server_->is_valid()) throw std::runtime_error("the test receiver cannot start");
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    ReceivedRequest r;
    r.target = req.target;
    r.body = req.body;
    r.timestamp = req.get_header_value("X-Apisensor-Timestamp");
    r.signature = req.get_header_value("X-Apisensor-Signature");
    r.content_type = req.get_header_value("Content-Type");
    r.headers = req.headers;
    r.signature_ok = r.signature == "sha256=" + HmacSha256Hex(key_, r.timestamp + "." + r.body);
    ScriptedAnswer answer;
    {
      std::lock_guard lock(mu_);
      if (!script_.empty()) {
        answer = script_.front();
        script_.pop_front();
      }
      requests_.push_back(r);
    }
    std::this_thread::sleep_for(answer.delay);
    if (!r.signature_ok) answer = {401, "bad signature"};
    res.status = answer.status;
    if (answer.endless) {
      res.set_chunked_content_provider("text/plain", [](size_t, httplib::DataSink& sink) {
        static const std::string kChunk(64 * 1024, 'x');
        return sink.write(kChunk.data(), kChunk.size());  // false once the client is gone
      });
      return;
    }
    res.set_content(answer.body, "text/plain");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("the test receiver cannot bind");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the server runs, so a short test must not end before that.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!server_->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

WebhookReceiver::~WebhookReceiver() {
  server_->stop();
  thread_.join();
}

void WebhookReceiver::Script(std::vector<ScriptedAnswer> answers) {
  std::lock_guard lock(mu_);
  script_.assign(answers.begin(), answers.end());
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace apisensor::testing
