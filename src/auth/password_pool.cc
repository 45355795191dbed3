#include "auth/password_pool.h"

#include <algorithm>

namespace keeta::auth {

PasswordPool::PasswordPool(unsigned threads, std::size_t max_queued) : max_queued_(max_queued) {
  threads = std::max(1u, threads);
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

PasswordPool::~PasswordPool() { Stop(); }

void PasswordPool::Stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    done_ = true;
    dropped.swap(jobs_);
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
}

bool PasswordPool::TrySubmit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (done_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void PasswordPool::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return done_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // done and drained
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace keeta::auth
