// Writes exchange records as JSON lines to a file descriptor (stdout for `apisensor trace`),
// buffered so a busy host costs one write() per poll batch rather than one per exchange.
#pragma once

#include "agent/pipeline/record_output.h"
#include "exporters/json/exchange_json.h"

namespace apisensor::pipeline {

class JsonlFdOutput final : public RecordOutput {
 public:
  explicit JsonlFdOutput(int fd) : fd_(fd) {}
  ~JsonlFdOutput() override { Flush(); }
  JsonlFdOutput(const JsonlFdOutput&) = delete;
  JsonlFdOutput& operator=(const JsonlFdOutput&) = delete;

  void Write(const ExchangeRecord& record) override;
  void Flush() override;

  // The reader went away (EPIPE) or the descriptor failed: nothing more can be written.
  bool broken() const { return broken_; }
  uint64_t lines_written() const { return lines_; }

 private:
  static constexpr size_t kFlushBytes = 64 * 1024;

  int fd_;
  bool broken_ = false;
  uint64_t lines_ = 0;
  exporters::ExchangeJsonWriter writer_;  // holds the lines until Flush()
};

}  // namespace apisensor::pipeline
