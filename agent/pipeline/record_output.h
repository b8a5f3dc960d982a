// Where finished exchange records go (JSON lines on stdout today; exporters later).
#pragma once

#include "agent/exchange/exchange_record.h"

namespace apisensor::pipeline {

class RecordOutput {
 public:
  virtual ~RecordOutput() = default;
  virtual void Write(const ExchangeRecord& record) = 0;
  // Called once per batch of kernel records, so output is written in few syscalls.
  virtual void Flush() = 0;
};

}  // namespace apisensor::pipeline
