// DatasetHolder: the current snapshot of a source, swappable while requests run.
// Readers take a shared_ptr (a consistent snapshot for the whole request); the reloader
// publishes a new one. A failed reload keeps the last good snapshot and records the error.
// Watchers (the live WebSocket fan-out) block in WaitForChange instead of polling: every
// Publish and RecordError bumps a change counter and wakes them.
// Thread-safety: every method is safe to call from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
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

  // Everything a watcher needs, read under one lock so the parts agree.
  struct State {
    std::shared_ptr<const Dataset> dataset;
    std::uint64_t generation = 0;
    std::uint64_t changes = 0;  // counts Publish and RecordError calls
    std::optional<std::string> error;
  };
  State state() const;

  // Blocks until the change counter differs from `seen` (returns the new state) or `stop`
  // is requested (returns nullopt).
  std::optional<State> WaitForChange(std::uint64_t seen, std::stop_token stop) const;

 private:
  State StateLocked() const;

  // A plain mutex, held only to copy a pointer: uncontended in practice, and unlike
  // g++ 12's std::atomic<shared_ptr> it is understood by ThreadSanitizer.
  mutable std::mutex mu_;
  mutable std::condition_variable_any changed_;
  std::shared_ptr<const Dataset> current_;
  std::atomic<std::uint64_t> generation_{0};
  std::uint64_t changes_ = 0;
  std::optional<std::string> last_error_;
};

}  // namespace keeta
