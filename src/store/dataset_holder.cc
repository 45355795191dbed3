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
    last_error_.reset();
  }
  // `old` is released here, outside the lock (freeing a large snapshot takes a while).
}

void DatasetHolder::RecordError(std::string message) {
  std::lock_guard lock(mu_);
  last_error_ = std::move(message);
}

std::optional<std::string> DatasetHolder::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

}  // namespace keeta
