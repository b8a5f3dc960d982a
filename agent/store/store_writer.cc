#include "agent/store/store_writer.h"

#include <cstdio>

namespace apisensor::store {

StoreWriter::StoreWriter(InventoryStore& store) : store_(store) {
  thread_ = std::thread([this] { Loop(); });
}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void StoreWriter::Submit(StoreBatch&& batch) {
  if (batch.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (auto& e : batch.endpoints) {
      removed_.erase(e->id);
      endpoints_[e->id] = std::move(e);
    }
    for (std::string& id : batch.removed_endpoint_ids) {
      endpoints_.erase(id);
      removed_[std::move(id)] = true;
    }
    for (inventory::ServiceView& s : batch.services) services_[s.name] = std::move(s);
    for (findings::Finding& f : batch.findings) findings_[f.id] = std::move(f);
    ++submitted_;
  }
  wake_.notify_one();
}

StoreBatch StoreWriter::TakePending() {
  StoreBatch batch;
  for (auto& [id, e] : endpoints_) batch.endpoints.push_back(std::move(e));
  for (auto& [id, unused] : removed_) batch.removed_endpoint_ids.push_back(id);
  for (auto& [name, s] : services_) batch.services.push_back(std::move(s));
  for (auto& [id, f] : findings_) batch.findings.push_back(std::move(f));
  endpoints_.clear();
  removed_.clear();
  services_.clear();
  findings_.clear();
  return batch;
}

void StoreWriter::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || submitted_ != completed_; });
    if (submitted_ == completed_ && stop_) return;
    const uint64_t target = submitted_;
    StoreBatch batch = TakePending();
    lock.unlock();
    const size_t rows = batch.endpoints.size() + batch.removed_endpoint_ids.size() +
                        batch.services.size() + batch.findings.size();
    std::string error;
    try {
      store_.Write(batch);
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    if (error.empty()) {
      ++stats_.batches_written;
      stats_.rows_written += rows;
    } else {
      // Nothing is lost: the rows go back to the pending set (unless newer ones replaced them)
      // and the next submission retries. Say so once per distinct error, not every second.
      for (auto& e : batch.endpoints) endpoints_.try_emplace(e->id, std::move(e));
      for (std::string& id : batch.removed_endpoint_ids) {
        if (!endpoints_.contains(id)) removed_.try_emplace(std::move(id), true);
      }
      for (auto& s : batch.services) services_.try_emplace(s.name, std::move(s));
      for (auto& f : batch.findings) findings_.try_emplace(f.id, std::move(f));
      if (error != stats_.last_error) std::fprintf(stderr, "apisensor: %s\n", error.c_str());
      ++stats_.write_errors;
      stats_.last_error = error;
    }
    completed_ = target;
    written_.notify_all();
  }
}

void StoreWriter::Flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = submitted_;
  written_.wait(lock, [&] { return completed_ >= target; });
}

StoreWriterStats StoreWriter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace apisensor::store
