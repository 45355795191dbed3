#include "auth/sign_in_throttle.h"

#include <algorithm>
#include <vector>

namespace keeta::auth {
namespace {

std::string AccountKey(std::string_view account) { return "a:" + std::string(account); }
std::string ClientKey(std::string_view client) { return "c:" + std::string(client); }

}  // namespace

std::chrono::seconds SignInThrottle::WaitLocked(const std::string& key,
                                                Clock::time_point now) const {
  const auto it = keys_.find(key);
  if (it == keys_.end() || it->second.failures < options_.free_failures) {
    return std::chrono::seconds(0);
  }
  const unsigned excess = std::min(it->second.failures - options_.free_failures, 20u);
  const auto delay = std::min(options_.base_delay * (std::int64_t{1} << excess),
                              options_.max_delay);
  const auto until = it->second.last_failure + delay;
  if (now >= until) return std::chrono::seconds(0);
  // Rounded up: a caller told "0 s" must really be allowed.
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

std::chrono::seconds SignInThrottle::Wait(std::string_view account, std::string_view client,
                                          Clock::time_point now) const {
  std::lock_guard lock(mu_);
  return std::max(WaitLocked(AccountKey(account), now), WaitLocked(ClientKey(client), now));
}

void SignInThrottle::FailLocked(std::string key, Clock::time_point now) {
  if (keys_.size() >= options_.max_keys && !keys_.contains(key)) {
    // Full: drop the half of the keys idle longest (amortised O(1) per failure).
    std::vector<Clock::time_point> times;
    times.reserve(keys_.size());
    for (const auto& [k, s] : keys_) times.push_back(s.last_failure);
    auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
    std::nth_element(times.begin(), middle, times.end());
    const auto cutoff = *middle;
    std::erase_if(keys_, [&](const auto& kv) { return kv.second.last_failure <= cutoff; });
  }
  State& state = keys_[std::move(key)];
  ++state.failures;
  state.last_failure = now;
}

void SignInThrottle::RecordFailure(std::string_view account, std::string_view client,
                                   Clock::time_point now) {
  std::lock_guard lock(mu_);
  FailLocked(AccountKey(account), now);
  FailLocked(ClientKey(client), now);
}

void SignInThrottle::RecordSuccess(std::string_view account, std::string_view client) {
  std::lock_guard lock(mu_);
  keys_.erase(AccountKey(account));
  keys_.erase(ClientKey(client));
}

}  // namespace keeta::auth
