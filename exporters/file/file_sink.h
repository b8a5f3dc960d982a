// JSON lines in a local file, one item per line, rotated by size: path.1 is the newest rotated
// file, path.<keep> the oldest, and nothing older is kept. A failed write is retried by the
// runner without duplicating or tearing lines: what a failing write left half-written is cut
// off, and the lines of a retried batch that were already written are not written again.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "exporters/core/formatter.h"
#include "exporters/core/sink.h"

namespace apisensor::exporters {

struct FileSinkOptions {
  std::string path;
  uint64_t max_bytes = 100ULL << 20;  // rotate before a line would take the file past this
  uint32_t keep = 5;                  // rotated files kept
  bool fsync = false;                 // fdatasync after each batch
};

class FileSink final : public Sink {
 public:
  // Creates the parent directory (0750) and opens the file (0640 when created); throws
  // std::runtime_error with one sentence when either fails.
  FileSink(FileSinkOptions options, std::unique_ptr<Formatter> formatter);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  // Items the format cannot express (never for json and ocsf) are left out of the file
  // (DeliveryResult::skipped).
  DeliveryResult Deliver(std::span<const ExportItemPtr> items) override;

 private:
  // Opens options_.path for appending; "" or one sentence.
  std::string Open();
  // Reopens when the file was moved or removed by someone else (logrotate, an operator).
  std::string ReopenIfReplaced();
  std::string Rotate();
  // Writes `data` whole; on failure cuts the file back to its size before, so no torn line.
  std::string WriteAll(std::string_view data);

  const FileSinkOptions options_;
  std::unique_ptr<Formatter> formatter_;
  int fd_ = -1;
  uint64_t size_ = 0;  // bytes of complete lines in the current file
  // A batch the runner is retrying: how many of its items are already in the file.
  ExportItemPtr resume_first_;
  size_t resume_written_ = 0;
  uint64_t resume_skipped_ = 0;
  std::string line_;
  std::string chunk_;
};

// Creates `dir` and any missing parent with mode 0750; "" or one sentence.
std::string MakeDirectories(const std::string& dir);

}  // namespace apisensor::exporters
