#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "agent/openapi/spec_parser.h"

namespace apisensor::openapi {

std::string ReadSpecFile(const std::filesystem::path& file, size_t max_bytes) {
  const std::string name = file.string();
  auto fail = [&](std::string_view why) -> SpecError {
    return SpecError(name + ": cannot read: " + std::string(why));
  };
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) throw fail(std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw fail(std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw fail("not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    throw SpecError(name + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (true) {
    // The file may have grown since fstat(): read one byte past the size to notice.
    if (done == text.size()) {
      if (text.size() > max_bytes) {
        throw SpecError(name + ": larger than " + std::to_string(max_bytes) + " bytes");
      }
      text.resize(std::min(text.size() + 65536, max_bytes + 1));
    }
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail(std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  text.resize(done);
  return text;
}

Spec LoadSpecFile(const std::filesystem::path& file, const SpecLimits& limits) {
  return ParseSpec(ReadSpecFile(file, limits.max_file_bytes), file.string(), limits);
}

}  // namespace apisensor::openapi
