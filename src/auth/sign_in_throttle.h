// SignInThrottle: exponential back-off for failed sign-ins, per account name and per
// client address. After `free_failures` consecutive failures on a key, the next attempt
// must wait base × 2^(failures − free_failures), capped at `max_delay`; while a key waits,
// attempts are refused without checking the password (so a flood costs no Argon2 work).
// A success clears both keys. Names that do not exist are tracked like real ones, so the
// back-off says nothing about which names exist. Memory is bounded: at most `max_keys`
// keys are tracked; when full, the keys idle longest go first.
//
// Thread-safety: every method may be called from any thread (one mutex).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace keeta::auth {

struct ThrottleOptions {
  unsigned free_failures = 5;
  std::chrono::seconds base_delay{1};
  std::chrono::seconds max_delay{900};
  std::size_t max_keys = 100000;
};

class SignInThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SignInThrottle(ThrottleOptions options = {}) : options_(options) {}

  // How long the caller must still wait before an attempt for (account, client) may be
  // checked; zero when it may go ahead.
  std::chrono::seconds Wait(std::string_view account, std::string_view client,
                            Clock::time_point now) const;
  void RecordFailure(std::string_view account, std::string_view client, Clock::time_point now);
  void RecordSuccess(std::string_view account, std::string_view client);

 private:
  struct State {
    unsigned failures = 0;
    Clock::time_point last_failure;
  };
  std::chrono::seconds WaitLocked(const std::string& key, Clock::time_point now) const;
  void FailLocked(std::string key, Clock::time_point now);

  const ThrottleOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, State> keys_;  // "a:" + account, "c:" + client
};

}  // namespace keeta::auth
