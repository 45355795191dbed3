// DatasetHolder: the current snapshot of a source, swappable while requests run.
// Readers take a shared_ptr (a consistent snapshot for the whole request); the reloader
// publishes a new one. A failed reload keeps the last good snapshot and records the error.
// Thread-safety: every method is safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/dataset.h"

namespace keeta {

class DatasetHolder {
 public:
  explicit DatasetHolder(std::shared_ptr<const Dataset> initial = nullptr);

  std::shared_ptr<const Dataset> Get() const;
  // Bumped on every successful Publish; part of response cache keys.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  void Publish(std::shared_ptr<const Dataset> next);
  void RecordError(std::string message);          // a reload failed; last good data stays
  std::optional<std::string> last_error() const;  // cleared by the next Publish

 private:
  // A plain mutex, held only to copy a pointer: uncontended in practice, and unlike
  // g++ 12's std::atomic<shared_ptr> it is understood by ThreadSanitizer.
  mutable std::mutex mu_;
  std::shared_ptr<const Dataset> current_;
  std::atomic<std::uint64_t> generation_{0};
  std::optional<std::string> last_error_;
};

}  // namespace keeta
