#include "store/dataset_holder.h"

#include <utility>

namespace keeta {

DatasetHolder::DatasetHolder(std::shared_ptr<const Dataset> initial) {
  if (initial) Publish(std::move(initial));
}

std::shared_ptr<const Dataset> DatasetHolder::Get() const {
  std::lock_guard lock(mu_);
  return current_;
}

void DatasetHolder::Publish(std::shared_ptr<const Dataset> next) {
  std::shared_ptr<const Dataset> old;
  {
    std::lock_guard lock(mu_);
    old = std::exchange(current_, std::move(next));
    generation_.fetch_add(1, std::memory_order_acq_rel);
    ++changes_;
    last_error_.reset();
  }
  changed_.notify_all();
  // `old` is released here, outside the lock (freeing a large snapshot takes a while).
}

void DatasetHolder::RecordError(std::string message) {
  {
    std::lock_guard lock(mu_);
    last_error_ = std::move(message);
    ++changes_;
  }
  changed_.notify_all();
}

std::optional<std::string> DatasetHolder::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

DatasetHolder::State DatasetHolder::StateLocked() const {
  return State{current_, generation_.load(std::memory_order_relaxed), changes_, last_error_};
}

DatasetHolder::State DatasetHolder::state() const {
  std::lock_guard lock(mu_);
  return StateLocked();
}

std::optional<DatasetHolder::State> DatasetHolder::WaitForChange(std::uint64_t seen,
                                                                 std::stop_token stop) const {
  std::unique_lock lock(mu_);
  if (!changed_.wait(lock, stop, [&] { return changes_ != seen; })) return std::nullopt;
  return StateLocked();
}

}  // namespace keeta
