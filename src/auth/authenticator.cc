#include "auth/authenticator.h"

#include <cstdio>
#include <future>

#include "auth/password.h"
#include "auth/secrets.h"

namespace keeta::auth {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t kMaxCachedCredentials = 10000;
constexpr std::size_t kMaxNameBytes = 256;  // longer sign-in names are cut in the audit log

UnixSeconds SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Authenticator::Authenticator(std::shared_ptr<state::StateStore> store, AuthOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      csrf_key_(RandomSecret(32)),
      throttle_(options_.throttle),
      pool_(options_.password_threads, options_.password_queue) {}

Authenticator::~Authenticator() = default;

UnixSeconds Authenticator::Now() const { return options_.now ? options_.now() : SystemNow(); }

std::optional<Authenticator::Cached> Authenticator::Lookup(const std::string& key) {
  std::shared_lock lock(cache_mu_);
  const auto it = cache_.find(key);
  if (it == cache_.end() || SteadyClock::now() >= it->second.valid_until) return std::nullopt;
  return it->second;
}

void Authenticator::Remember(const std::string& key, Cached entry) {
  if (options_.cache_ttl.count() <= 0) return;
  entry.valid_until = SteadyClock::now() + options_.cache_ttl;
  std::unique_lock lock(cache_mu_);
  if (cache_.size() >= kMaxCachedCredentials) cache_.clear();  // rare; refills on demand
  cache_[key] = std::move(entry);
}

void Authenticator::Forget(const std::string& key) {
  std::unique_lock lock(cache_mu_);
  cache_.erase(key);
}

std::optional<Principal> Authenticator::FromSession(std::string_view session_id) {
  if (session_id.empty()) return std::nullopt;
  const std::string hash = Sha256Hex(session_id);
  const std::string key = "s:" + hash;
  std::optional<Cached> entry = Lookup(key);
  bool changed = !entry;  // a fresh read or a touch is remembered; a plain hit is not
  if (!entry) {
    auto session = store_->FindSession(hash);
    if (!session || !*session) return std::nullopt;
    auto account = store_->FindAccountById((*session)->account_id);
    if (!account || !*account) return std::nullopt;
    entry = Cached{Principal{(*account)->name, (*account)->access(), Principal::Via::kSession,
                             hash},
                   {}, (*account)->id, (*session)->created_at, (*session)->last_seen_at, {}};
  }
  const UnixSeconds now = Now();
  if (now - entry->created_at >= options_.session_absolute.count() ||
      now - entry->last_seen_at >= options_.session_idle.count()) {
    (void)store_->DeleteSession(hash);
    Forget(key);
    return std::nullopt;
  }
  if (now - entry->last_seen_at >= options_.touch_every.count()) {
    (void)store_->TouchSession(hash, now);
    entry->last_seen_at = now;
    changed = true;
  }
  Principal principal = entry->principal;
  if (changed) Remember(key, std::move(*entry));
  return principal;
}

std::optional<Principal> Authenticator::FromToken(std::string_view token,
                                                  std::string_view client) {
  if (token.empty()) return std::nullopt;
  const std::string hash = Sha256Hex(token);
  const std::string key = "t:" + hash;
  std::optional<Cached> entry = Lookup(key);
  bool changed = !entry;
  if (!entry) {
    auto record = store_->FindToken(hash);
    if (!record || !*record || (*record)->revoked_at) return std::nullopt;
    auto account = store_->FindAccountById((*record)->account_id);
    if (!account || !*account) return std::nullopt;
    entry = Cached{Principal{(*account)->name, (*account)->access(), Principal::Via::kToken, {}},
                   {}, (*record)->id, (*record)->created_at,
                   (*record)->last_used_at.value_or(0), (*record)->expires_at};
  }
  const UnixSeconds now = Now();
  if (entry->expires_at && now >= *entry->expires_at) {
    Forget(key);
    return std::nullopt;
  }
  // Use is written (and audited) at most once per touch interval per token.
  if (now - entry->last_seen_at >= options_.touch_every.count()) {
    (void)store_->TouchToken(entry->record_id, now);
    Audit("token_used", entry->principal.name, client,
          "token " + std::to_string(entry->record_id));
    entry->last_seen_at = now;
    changed = true;
  }
  Principal principal = entry->principal;
  if (changed) Remember(key, std::move(*entry));
  return principal;
}

std::optional<Principal> Authenticator::FromTrustedName(std::string_view account_name) {
  if (account_name.empty()) return std::nullopt;
  const std::string key = "p:" + std::string(account_name);
  if (auto entry = Lookup(key)) return entry->principal;
  auto account = store_->FindAccount(account_name);
  if (!account || !*account) return std::nullopt;
  Principal principal{(*account)->name, (*account)->access(), Principal::Via::kProxy, {}};
  Remember(key, Cached{principal, {}, (*account)->id, 0, 0, {}});
  return principal;
}

void Authenticator::SignInAsync(std::string name, std::string password, std::string client,
                                std::function<void(SignInResult)> done) {
  if (name.size() > kMaxNameBytes) name.resize(kMaxNameBytes);
  const auto wait = throttle_.Wait(name, client, SteadyClock::now());
  if (wait.count() > 0) {
    return done(SignInResult{SignInResult::Outcome::kThrottled, {}, {}, wait});
  }
  auto shared_done = std::make_shared<std::function<void(SignInResult)>>(std::move(done));
  const bool queued = pool_.TrySubmit(
      [this, name = std::move(name), password = std::move(password),
       client = std::move(client), shared_done]() mutable {
        SignInResult result = CheckPassword(name, password, client);
        std::fill(password.begin(), password.end(), '\0');
        (*shared_done)(std::move(result));
      });
  if (!queued) {
    (*shared_done)(SignInResult{SignInResult::Outcome::kBusy, {}, {}, std::chrono::seconds(1)});
  }
}

SignInResult Authenticator::SignIn(std::string name, std::string password, std::string client) {
  std::promise<SignInResult> promise;
  auto future = promise.get_future();
  SignInAsync(std::move(name), std::move(password), std::move(client),
              [&promise](SignInResult r) { promise.set_value(std::move(r)); });
  return future.get();
}

SignInResult Authenticator::CheckPassword(const std::string& name, const std::string& password,
                                          const std::string& client) {
  auto found = store_->FindAccount(name);
  const state::Account* account = found && *found ? &**found : nullptr;
  // An unknown name costs a full check too: the answer time says nothing about names.
  const bool verified =
      VerifyPassword(account ? account->password_hash : DecoyPasswordHash(), password);
  if (!verified || account == nullptr) {
    throttle_.RecordFailure(name, client, SteadyClock::now());
    Audit("sign_in_failed", name, client);
    return SignInResult{SignInResult::Outcome::kRejected, {}, {}, {}};
  }
  const UnixSeconds now = Now();
  (void)store_->DeleteSessionsOlderThan(now - options_.session_absolute.count(),
                                        now - options_.session_idle.count());
  SignInResult result{SignInResult::Outcome::kSignedIn, RandomSecret(32), {}, {}};
  result.principal = Principal{account->name, account->access(), Principal::Via::kSession,
                               Sha256Hex(result.session_id)};
  auto created = store_->CreateSession(
      state::SessionRecord{result.principal.session_hash, account->id, now, now});
  if (!created) {
    std::fprintf(stderr, "keeta: %s\n", created.error().message.c_str());
    return SignInResult{SignInResult::Outcome::kBusy, {}, {}, std::chrono::seconds(1)};
  }
  throttle_.RecordSuccess(name, client);
  Audit("sign_in", account->name, client);
  return result;
}

void Authenticator::SignOut(const Principal& principal, std::string_view client) {
  if (principal.via != Principal::Via::kSession) return;
  (void)store_->DeleteSession(principal.session_hash);
  Forget("s:" + principal.session_hash);
  Audit("sign_out", principal.name, client);
}

std::string Authenticator::CsrfTag(const Principal& principal) const {
  return KeyedTag(csrf_key_, "csrf:" + principal.session_hash);
}

bool Authenticator::CheckCsrfTag(const Principal& principal, std::string_view tag) const {
  return ConstantTimeEquals(CsrfTag(principal), tag);
}

void Authenticator::Audit(std::string_view event, std::string_view account,
                          std::string_view client, std::string_view detail) {
  auto appended = store_->AppendAudit(state::AuditEntry{
      0, Now(), std::string(event), std::string(account.substr(0, kMaxNameBytes)),
      std::string(client), std::string(detail)});
  if (!appended) std::fprintf(stderr, "keeta: audit: %s\n", appended.error().message.c_str());
}

}  // namespace keeta::auth
