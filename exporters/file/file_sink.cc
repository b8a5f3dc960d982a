#include "exporters/file/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace apisensor::exporters {
namespace {

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

std::string ParentDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string MakeDirectories(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    return S_ISDIR(st.st_mode) ? "" : dir + " exists and is not a directory";
  }
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string prefix = dir.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST) {
      return "cannot create directory " + prefix + ": " + ErrnoText(errno);
    }
    if (slash == std::string::npos) break;
  }
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return "cannot create directory " + dir;
  }
  return "";
}

FileSink::FileSink(FileSinkOptions options, std::unique_ptr<Formatter> formatter)
    : options_(std::move(options)), formatter_(std::move(formatter)) {
  std::string error = MakeDirectories(ParentDirectory(options_.path));
  if (error.empty()) error = Open();
  if (!error.empty()) throw std::runtime_error(error);
}

FileSink::~FileSink() {
  if (fd_ < 0) return;
  if (options_.fsync) ::fdatasync(fd_);
  ::close(fd_);
}

std::string FileSink::Open() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  const char* path = options_.path.c_str();
  int fd = ::open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
  if (fd < 0 && errno == ENOENT) {
    // Removed with its directory while we ran: make them again rather than fail forever.
    if (std::string error = MakeDirectories(ParentDirectory(options_.path)); !error.empty()) {
      return error;
    }
    fd = ::open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_CREAT | O_EXCL, 0640);
    // Exactly 0640 whatever the umask: findings are for the log readers' group, not everyone.
    if (fd >= 0) ::fchmod(fd, 0640);
    if (fd < 0 && errno == EEXIST) fd = ::open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
  }
  if (fd < 0) return "cannot open " + options_.path + ": " + ErrnoText(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return "cannot open " + options_.path + ": " + ErrnoText(error);
  }
  fd_ = fd;
  size_ = static_cast<uint64_t>(st.st_size);
  return "";
}

std::string FileSink::ReopenIfReplaced() {
  if (fd_ < 0) return Open();
  struct stat by_path {};
  struct stat by_fd {};
  if (::stat(options_.path.c_str(), &by_path) == 0 && ::fstat(fd_, &by_fd) == 0 &&
      by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino) {
    return "";
  }
  return Open();
}

std::string FileSink::Rotate() {
  if (options_.keep == 0) {
    if (::ftruncate(fd_, 0) != 0)
      return "cannot truncate " + options_.path + ": " + ErrnoText(errno);
    size_ = 0;
    return "";
  }
  // path.(keep-1) -> path.keep (replacing the oldest) ... path.1 -> path.2, then path -> path.1.
  for (uint32_t i = options_.keep - 1; i >= 1; --i) {
    const std::string from = options_.path + "." + std::to_string(i);
    const std::string to = options_.path + "." + std::to_string(i + 1);
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
      return "cannot rotate " + from + ": " + ErrnoText(errno);
    }
  }
  const std::string first = options_.path + ".1";
  if (::rename(options_.path.c_str(), first.c_str()) != 0) {
    return "cannot rotate " + options_.path + ": " + ErrnoText(errno);
  }
  // Nothing more goes to the renamed file; if the new one cannot be opened, the next attempt
  // opens it (fd_ is closed either way).
  return Open();
}

std::string FileSink::WriteAll(std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      if (done > 0) (void)::ftruncate(fd_, static_cast<off_t>(size_));  // no torn line
      return "cannot write " + options_.path + ": " + ErrnoText(error);
    }
    done += static_cast<size_t>(n);
  }
  size_ += data.size();
  return "";
}

DeliveryResult FileSink::Deliver(std::span<const ExportItemPtr> items) {
  size_t written = 0;    // items done: in the file, or skipped
  uint64_t skipped = 0;  // of those, the ones the format cannot express
  if (resume_first_ != nullptr && !items.empty() && items.front() == resume_first_) {
    written = std::min(resume_written_, items.size());
    skipped = resume_skipped_;
  }
  resume_first_.reset();
  resume_written_ = 0;
  resume_skipped_ = 0;

  size_t chunk_items = 0;
  uint64_t chunk_skipped = 0;
  chunk_.clear();
  auto fail = [&](std::string error) {
    resume_first_ = items.empty() ? nullptr : items.front();
    resume_written_ = written;
    resume_skipped_ = skipped;
    return DeliveryResult{Delivery::kRetry, std::move(error)};
  };
  auto flush = [&]() -> std::string {
    std::string error = chunk_.empty() ? "" : WriteAll(chunk_);
    if (error.empty()) {
      written += chunk_items;
      skipped += chunk_skipped;
      chunk_items = 0;
      chunk_skipped = 0;
      chunk_.clear();
    }
    return error;
  };

  if (std::string error = ReopenIfReplaced(); !error.empty()) return fail(std::move(error));
  for (size_t i = written; i < items.size(); ++i) {
    line_.clear();
    if (!formatter_->Format(*items[i], line_)) {
      ++chunk_skipped;
      ++chunk_items;
      continue;
    }
    line_.push_back('\n');
    const uint64_t pending = size_ + chunk_.size();
    if (pending > 0 && pending + line_.size() > options_.max_bytes) {
      if (std::string error = flush(); !error.empty()) return fail(std::move(error));
      if (size_ > 0) {
        if (std::string error = Rotate(); !error.empty()) return fail(std::move(error));
      }
    }
    chunk_ += line_;
    ++chunk_items;
  }
  if (std::string error = flush(); !error.empty()) return fail(std::move(error));
  if (options_.fsync && ::fdatasync(fd_) != 0) {
    return fail("cannot sync " + options_.path + ": " + ErrnoText(errno));
  }
  return Delivered(skipped);
}

}  // namespace apisensor::exporters
