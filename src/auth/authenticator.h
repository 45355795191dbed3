// Authenticator: who is asking. Turns a session cookie, an API token or a trusted proxy's
// header into a Principal (an account name and its AccessScope), signs people in and out,
// and writes the audit log. The only place that reads credentials from the state store.
//
// Per-request checks are cheap: credentials are looked up by their SHA-256 and the answer
// is cached for `cache_ttl`, so a revocation made by another process (`keeta tokens
// revoke`, `keeta users remove`) takes effect within that time; one made through this
// object takes effect at once. Password checks (sign-in) run on a PasswordPool of their
// own and are throttled by SignInThrottle.
//
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/password_pool.h"
#include "auth/sign_in_throttle.h"
#include "core/query.h"
#include "state/state_store.h"

namespace keeta::auth {

using state::UnixSeconds;

// Who a request is from. `name` is the account's name ("" in local mode).
struct Principal {
  enum class Via { kLocal, kSession, kToken, kProxy };
  std::string name;
  AccessScope scope;
  Via via = Via::kLocal;
  std::string session_hash = {};  // the session's stored id (kSession only)
  std::string client = {};        // the client's address as the audit log names it
};

struct AuthOptions {
  std::chrono::seconds session_idle{std::chrono::hours(2)};       // idle expiry
  std::chrono::seconds session_absolute{std::chrono::hours(12)};  // absolute expiry
  std::chrono::seconds touch_every{60};  // how often last-seen / last-used is written
  std::chrono::milliseconds cache_ttl{2000};
  unsigned password_threads = 1;  // Argon2 checks at once
  std::size_t password_queue = 32;  // waiting beyond those; more are answered "busy"
  ThrottleOptions throttle;
  std::function<UnixSeconds()> now;  // wall clock (tests move it); default: system clock
};

struct SignInResult {
  enum class Outcome { kSignedIn, kRejected, kThrottled, kBusy };
  Outcome outcome = Outcome::kRejected;
  std::string session_id;  // the cookie value, when signed in
  Principal principal;     // when signed in
  std::chrono::seconds retry_after{0};  // when throttled or busy
};

class Authenticator {
 public:
  Authenticator(std::shared_ptr<state::StateStore> store, AuthOptions options = {});
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // The principal of a live session / valid token / existing account; nullopt otherwise.
  std::optional<Principal> FromSession(std::string_view session_id);
  std::optional<Principal> FromToken(std::string_view token, std::string_view client);
  std::optional<Principal> FromTrustedName(std::string_view account_name);

  // Signs in: refused at once while the name or the client is backing off, or when the
  // password pool is full; otherwise checked on the pool. `done` runs exactly once, on a
  // pool thread or (refusals) on the caller's.
  void SignInAsync(std::string name, std::string password, std::string client,
                   std::function<void(SignInResult)> done);
  SignInResult SignIn(std::string name, std::string password, std::string client);  // blocks

  // Stops password checks: queued sign-ins are dropped, running ones finish. For shutdown,
  // before whatever their completions touch goes away.
  void StopSignIns() { pool_.Stop(); }

  // Ends the principal's session (no-op for other kinds) and audits it.
  void SignOut(const Principal& principal, std::string_view client);

  // A tag that forms acting for this session carry (CSRF): stable for the session, useless
  // for any other.
  std::string CsrfTag(const Principal& principal) const;
  bool CheckCsrfTag(const Principal& principal, std::string_view tag) const;

  // Appends to the audit log (exports call this); failures are reported on stderr only.
  void Audit(std::string_view event, std::string_view account, std::string_view client,
             std::string_view detail = {});

  state::StateStore& store() { return *store_; }
  const AuthOptions& options() const { return options_; }

 private:
  struct Cached {
    Principal principal;
    std::chrono::steady_clock::time_point valid_until;
    std::int64_t record_id = 0;          // token id / account id
    UnixSeconds created_at = 0;          // session
    UnixSeconds last_seen_at = 0;        // session: last seen; token: last used
    std::optional<UnixSeconds> expires_at;  // token
  };

  SignInResult CheckPassword(const std::string& name, const std::string& password,
                             const std::string& client);
  std::optional<Cached> Lookup(const std::string& key);
  void Remember(const std::string& key, Cached entry);
  void Forget(const std::string& key);
  UnixSeconds Now() const;

  const std::shared_ptr<state::StateStore> store_;
  const AuthOptions options_;
  const std::string csrf_key_;  // random per process
  SignInThrottle throttle_;
  mutable std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;
  PasswordPool pool_;  // last: its threads stop (finishing queued work) before the rest goes
};

}  // namespace keeta::auth
