#include "store/dataset_holder.h"

namespace keeta {

DatasetHolder::DatasetHolder(std::shared_ptr<const Dataset> initial) {
  if (initial) Publish(std::move(initial));
}

void DatasetHolder::Publish(std::shared_ptr<const Dataset> next) {
  current_.store(std::move(next), std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  std::lock_guard lock(error_mu_);
  last_error_.reset();
}

void DatasetHolder::RecordError(std::string message) {
  std::lock_guard lock(error_mu_);
  last_error_ = std::move(message);
}

std::optional<std::string> DatasetHolder::last_error() const {
  std::lock_guard lock(error_mu_);
  return last_error_;
}

}  // namespace keeta
