#include "agent/secrets/fingerprint.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace apisensor::secrets {
namespace {

namespace fs = std::filesystem;

Fingerprinter::Key KeyOf(uint8_t seed) {
  Fingerprinter::Key key;
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i);
  return key;
}

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "apisensor-key-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

void WriteFile(const fs::path& p, const std::string& bytes, mode_t mode) {
  std::ofstream(p, std::ios::binary) << bytes;
  ASSERT_EQ(chmod(p.c_str(), mode), 0);
}

std::string ErrorOf(const fs::path& p) {
  try {
    Fingerprinter::FromKeyFile(p);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(FingerprinterTest, FormatIsPrefixAndSixteenLowerHex) {
  Fingerprinter fp(KeyOf(1));
  const std::string tag = fp.Of("secret-token");
  ASSERT_TRUE(tag.starts_with("fp:")) << tag;
  EXPECT_EQ(tag.find_first_not_of("0123456789abcdef", 3), std::string::npos) << tag;
  EXPECT_EQ(tag.size(), Fingerprinter::kTextSize);
}

TEST(FingerprinterTest, MatchesTruncatedHmacSha256) {
  const Fingerprinter::Key key = KeyOf(7);
  Fingerprinter fp(key);
  for (const std::string& value :
       {std::string(), std::string("a"), std::string("Bearer-ish"), std::string(300, 'x')}) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), key.size(), reinterpret_cast<const unsigned char*>(value.data()),
         value.size(), mac, &size);
    char expected[17];
    for (int i = 0; i < 8; ++i) std::snprintf(expected + 2 * i, 3, "%02x", mac[i]);
    EXPECT_EQ(fp.Of(value), std::string("fp:") + expected) << value;
  }
}

TEST(FingerprinterTest, SameValueSameTagAcrossCallsAndInstances) {
  Fingerprinter a(KeyOf(3));
  Fingerprinter b(KeyOf(3));
  const std::string first = a.Of("token-1");
  EXPECT_EQ(a.Of("token-2") == first, false);
  EXPECT_EQ(a.Of("token-1"), first);  // the re-initialised context still uses the key
  EXPECT_EQ(b.Of("token-1"), first);
}

TEST(FingerprinterTest, DifferentKeysDifferentTags) {
  Fingerprinter a(KeyOf(1));
  Fingerprinter b(KeyOf(2));
  EXPECT_NE(a.Of("token"), b.Of("token"));
  Fingerprinter e1 = Fingerprinter::Ephemeral();
  Fingerprinter e2 = Fingerprinter::Ephemeral();
  EXPECT_NE(e1.Of("token"), e2.Of("token"));
}

TEST(FingerprinterTest, AppendToAppends) {
  Fingerprinter fp(KeyOf(1));
  std::string out = "Bearer ";
  fp.AppendTo("abc", out);
  EXPECT_EQ(out, "Bearer " + fp.Of("abc"));
}

TEST(KeyFileTest, CreatesKeyAndDirectoryPrivately) {
  TempDir dir;
  const fs::path key = dir.path() / "state" / "fingerprint.key";
  Fingerprinter created = Fingerprinter::FromKeyFile(key);
  ASSERT_TRUE(fs::exists(key));
  EXPECT_EQ(fs::file_size(key), Fingerprinter::kKeySize);
  EXPECT_EQ(ModeOf(key), 0600u);
  EXPECT_EQ(ModeOf(key.parent_path()), 0700u);
  // Reloading gives the same key, hence the same tags: stable across restarts.
  Fingerprinter reloaded = Fingerprinter::FromKeyFile(key);
  EXPECT_EQ(created.Of("token"), reloaded.Of("token"));
}

TEST(KeyFileTest, CreatedKeyIsPrivateEvenUnderPermissiveUmask) {
  TempDir dir;
  const mode_t old = umask(0);
  const fs::path key = dir.path() / "k";
  Fingerprinter::FromKeyFile(key);
  umask(old);
  EXPECT_EQ(ModeOf(key), 0600u);
}

TEST(KeyFileTest, ReadsExistingKey) {
  TempDir dir;
  const fs::path path = dir.path() / "k";
  const Fingerprinter::Key key = KeyOf(9);
  WriteFile(path, std::string(key.begin(), key.end()), 0600);
  Fingerprinter from_file = Fingerprinter::FromKeyFile(path);
  Fingerprinter direct(key);
  EXPECT_EQ(from_file.Of("x"), direct.Of("x"));
}

TEST(KeyFileTest, RefusesKeyReadableByOthers) {
  TempDir dir;
  const fs::path path = dir.path() / "k";
  WriteFile(path, std::string(32, 'k'), 0644);
  const std::string error = ErrorOf(path);
  EXPECT_NE(error.find(path.string()), std::string::npos) << error;
  EXPECT_NE(error.find("group or others"), std::string::npos) << error;
  WriteFile(path, std::string(32, 'k'), 0640);
  EXPECT_NE(ErrorOf(path).find("group or others"), std::string::npos);
}

TEST(KeyFileTest, RefusesWrongSize) {
  TempDir dir;
  const fs::path path = dir.path() / "k";
  WriteFile(path, std::string(31, 'k'), 0600);
  EXPECT_NE(ErrorOf(path).find("31 bytes instead of 32"), std::string::npos) << ErrorOf(path);
  WriteFile(path, "", 0600);
  EXPECT_NE(ErrorOf(path).find("0 bytes"), std::string::npos);
}

TEST(KeyFileTest, RefusesDirectoryAndSymlink) {
  TempDir dir;
  EXPECT_NE(ErrorOf(dir.path()).find("regular file"), std::string::npos) << ErrorOf(dir.path());
  const fs::path target = dir.path() / "real";
  WriteFile(target, std::string(32, 'k'), 0600);
  const fs::path link = dir.path() / "link";
  fs::create_symlink(target, link);
  EXPECT_FALSE(ErrorOf(link).empty());  // O_NOFOLLOW: a planted link is not followed
}

TEST(KeyFileTest, UncreatableFileIsOneClearError) {
  // Under a regular file rather than a read-only directory: that fails for root too.
  TempDir dir;
  const fs::path not_a_directory = dir.path() / "plain-file";
  std::ofstream(not_a_directory) << "x";
  const std::string error = ErrorOf(not_a_directory / "k");
  EXPECT_NE(error.find((not_a_directory / "k").string() + " cannot get its directory created"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace apisensor::secrets
