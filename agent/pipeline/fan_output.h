// Hands each record to several outputs in order (JSON lines and the inventory, for `run
// --print-exchanges`), so the pipeline keeps one output and knows nothing of who consumes.
#pragma once

#include <vector>

#include "agent/pipeline/record_output.h"

namespace apisensor::pipeline {

class FanOutput final : public RecordOutput {
 public:
  // Every output must outlive this object.
  explicit FanOutput(std::vector<RecordOutput*> outputs) : outputs_(std::move(outputs)) {}

  void Write(const ExchangeRecord& record) override {
    for (RecordOutput* o : outputs_) o->Write(record);
  }
  void Flush() override {
    for (RecordOutput* o : outputs_) o->Flush();
  }

 private:
  std::vector<RecordOutput*> outputs_;
};

}  // namespace apisensor::pipeline
