// Keyed fingerprints of credentials. The same secret under the same key always yields the same
// short tag, so one token can be followed across exchanges, hosts and restarts, while the tag
// reveals nothing about the secret to anyone without the key (unlike a plain hash, which a
// dictionary of likely passwords or leaked tokens would reverse).
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace apisensor::secrets {

class Fingerprinter {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kTagSize = 8;  // 64 bits: collisions stay negligible per deployment
  static constexpr std::string_view kPrefix = "fp:";
  static constexpr size_t kTextSize = kPrefix.size() + 2 * kTagSize;  // "fp:" + 16 hex
  using Key = std::array<uint8_t, kKeySize>;

  // Throws std::runtime_error when OpenSSL cannot provide HMAC-SHA256.
  explicit Fingerprinter(const Key& key);

  // A random key that lives as long as this process: tags do not match across restarts.
  static Fingerprinter Ephemeral();

  // The key stored at `path`, created (32 random bytes, file 0600, new parent directory 0700)
  // when missing. Throws std::runtime_error with one sentence naming the file when it cannot be
  // created or read, is accessible by group or others, or does not hold exactly kKeySize bytes.
  static Fingerprinter FromKeyFile(const std::filesystem::path& path);

  // "fp:" + 16 lower-case hex digits of HMAC-SHA256(key, value) truncated to kTagSize bytes.
  std::string Of(std::string_view value);
  // Appends the same text to `out`; allocates only if `out` has to grow.
  void AppendTo(std::string_view value, std::string& out);

 private:
  struct MacCtxFree {
    void operator()(EVP_MAC_CTX* ctx) const;
  };

  // Keyed once; every fingerprint re-initialises it with the same key, which skips the key
  // schedule and the algorithm lookup that the one-shot HMAC() repeats (about 6x slower). Our
  // code allocates nothing per call; OpenSSL 3.0 itself mallocs while duplicating the digest
  // state, as every non-deprecated digest API of that version does.
  // Mutable state: one Fingerprinter per thread.
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx_;
};

}  // namespace apisensor::secrets
