#include "agent/pipeline/jsonl_fd_output.h"

#include <unistd.h>

#include <cerrno>

namespace apisensor::pipeline {

void JsonlFdOutput::Write(const ExchangeRecord& record) {
  if (broken_) return;
  writer_.Append(record, buffer_);
  ++lines_;
  if (buffer_.size() >= kFlushBytes) Flush();
}

void JsonlFdOutput::Flush() {
  size_t done = 0;
  while (!broken_ && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      broken_ = true;
      break;
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

}  // namespace apisensor::pipeline
