#include "agent/secrets/key_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace apisensor::secrets {
namespace {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void Fail(const std::filesystem::path& path, const std::string& problem) {
  throw std::runtime_error("Fingerprint key file " + path.string() + " " + problem + ".");
}

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

// Loops because read() and write() may move fewer bytes than asked.
bool ReadAll(int fd, uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;  // shorter than fstat said: changed under us
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool WriteAll(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void CreateParentDirectory(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.parent_path();
  if (dir.empty()) return;
  std::error_code ec;
  if (std::filesystem::create_directories(dir, ec)) {
    // Only a directory we made is tightened; an existing one is the administrator's choice.
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  }
  if (ec) Fail(path, "cannot get its directory created (" + ec.message() + ")");
}

// Returns false when another process created the file first.
bool TryCreate(const std::filesystem::path& path, Fingerprinter::Key& key) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    if (errno == EEXIST) return false;
    Fail(path, "cannot be created (" + ErrnoText(errno) + ")");
  }
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    unlink(path.c_str());
    Fail(path, "cannot be filled because OpenSSL could not generate random bytes");
  }
  // fchmod because the umask may have taken bits from 0600, which would leave it unreadable.
  if (fchmod(fd.get(), 0600) != 0 || !WriteAll(fd.get(), key.data(), key.size()) ||
      fsync(fd.get()) != 0) {
    const int err = errno;
    unlink(path.c_str());  // a short key left behind would be refused at every later start
    Fail(path, "cannot be written (" + ErrnoText(err) + ")");
  }
  return true;
}

void Read(const std::filesystem::path& path, Fingerprinter::Key& key) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) Fail(path, "cannot be opened (" + ErrnoText(errno) + ")");
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) Fail(path, "is not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    Fail(path, std::string("is accessible by group or others (mode ") + mode +
                   "); run chmod 600 on it, and replace the key if others may have read it");
  }
  if (st.st_size != static_cast<off_t>(key.size())) {
    Fail(path, "holds " + std::to_string(st.st_size) + " bytes instead of " +
                   std::to_string(key.size()) + "; delete it to have a new key generated");
  }
  if (!ReadAll(fd.get(), key.data(), key.size())) {
    Fail(path, "cannot be read (" + ErrnoText(errno) + ")");
  }
}

}  // namespace

Fingerprinter::Key LoadOrCreateKey(const std::filesystem::path& path) {
  Fingerprinter::Key key{};
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    CreateParentDirectory(path);
    if (TryCreate(path, key)) return key;
  }
  Read(path, key);
  return key;
}

}  // namespace apisensor::secrets
