// PasswordPool: a few threads of their own for Argon2 work, with a bounded queue. Password
// checks are slow on purpose (a core and 64 MiB for ~0.2 s each); running them here, not on
// the server's I/O threads, means a flood of sign-ins waits in (or is turned away from)
// this queue while dashboards keep being answered.
//
// Thread-safety: TrySubmit and Stop may be called from any thread. Stop (also run by the
// destructor) drops the jobs still queued, lets the running ones finish, and joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace keeta::auth {

class PasswordPool {
 public:
  // `threads` workers; at most `max_queued` jobs wait beyond those running.
  PasswordPool(unsigned threads, std::size_t max_queued);
  ~PasswordPool();
  PasswordPool(const PasswordPool&) = delete;
  PasswordPool& operator=(const PasswordPool&) = delete;

  // Queues `job`; false (and the job is not run) when the queue is full or stopped.
  bool TrySubmit(std::function<void()> job);
  void Stop();

 private:
  void Work();

  const std::size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool done_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace keeta::auth
