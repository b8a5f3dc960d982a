#include "agent/pipeline/jsonl_fd_output.h"

#include <unistd.h>

#include <cerrno>

namespace apisensor::pipeline {

void JsonlFdOutput::Write(const ExchangeRecord& record) {
  if (broken_) return;
  writer_.AppendBuffered(record);
  ++lines_;
  if (writer_.buffered().size() >= kFlushBytes) Flush();
}

void JsonlFdOutput::Flush() {
  const std::string_view lines = writer_.buffered();
  size_t done = 0;
  while (!broken_ && done < lines.size()) {
    ssize_t n = ::write(fd_, lines.data() + done, lines.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      broken_ = true;
      break;
    }
    done += static_cast<size_t>(n);
  }
  writer_.ClearBuffered();
}

}  // namespace apisensor::pipeline
