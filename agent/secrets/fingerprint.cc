#include "agent/secrets/fingerprint.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "agent/secrets/key_file.h"

namespace apisensor::secrets {
namespace {

struct MacFree {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};

}  // namespace

void Fingerprinter::MacCtxFree::operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }

Fingerprinter::Fingerprinter(const Key& key) {
  const std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  if (mac) ctx_.reset(EVP_MAC_CTX_new(mac.get()));
  char digest[] = OSSL_DIGEST_NAME_SHA2_256;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  if (!ctx_ || EVP_MAC_init(ctx_.get(), key.data(), key.size(), params) != 1) {
    throw std::runtime_error("OpenSSL could not set up HMAC-SHA256 for credential fingerprints.");
  }
}

Fingerprinter Fingerprinter::Ephemeral() {
  Key key;
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("OpenSSL could not generate a random fingerprint key.");
  }
  Fingerprinter fingerprinter(key);
  OPENSSL_cleanse(key.data(), key.size());
  return fingerprinter;
}

Fingerprinter Fingerprinter::FromKeyFile(const std::filesystem::path& path) {
  Key key = LoadOrCreateKey(path);
  Fingerprinter fingerprinter(key);
  OPENSSL_cleanse(key.data(), key.size());
  return fingerprinter;
}

void Fingerprinter::AppendTo(std::string_view value, std::string& out) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_size = 0;
  // A null key re-initialises with the key given at construction.
  if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx_.get(), reinterpret_cast<const unsigned char*>(value.data()),
                     value.size()) != 1 ||
      EVP_MAC_final(ctx_.get(), mac, &mac_size, sizeof(mac)) != 1 || mac_size < kTagSize) {
    // Never fall back to anything derived from the value without the key.
    throw std::runtime_error("OpenSSL failed to compute a credential fingerprint.");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  char text[kTextSize];
  kPrefix.copy(text, kPrefix.size());
  for (size_t i = 0; i < kTagSize; ++i) {
    text[kPrefix.size() + 2 * i] = kHex[mac[i] >> 4];
    text[kPrefix.size() + 2 * i + 1] = kHex[mac[i] & 0xf];
  }
  out.append(text, sizeof(text));
}

std::string Fingerprinter::Of(std::string_view value) {
  std::string out;
  out.reserve(kTextSize);
  AppendTo(value, out);
  return out;
}

}  // namespace apisensor::secrets
