// Accounts and credentials: password rules and hashing, the sign-in back-off, sessions
// (idle and absolute expiry, sign-out, a new id each time), API tokens (revoked, expired),
// CSRF tags, and the account rules of the CLI.
#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "auth/accounts.h"
#include "auth/password.h"
#include "auth/secrets.h"
#include "auth/sign_in_throttle.h"
#include "state/sqlite_state_store.h"

namespace keeta::auth {
namespace {

using Outcome = SignInResult::Outcome;
using state::Role;
constexpr std::string_view kPassword = "correct horse battery";

TEST(Password, RulesCountCharactersNotBytes) {
  EXPECT_FALSE(CheckPasswordRules("short").ok());
  EXPECT_FALSE(CheckPasswordRules("elevenchars").ok());
  EXPECT_TRUE(CheckPasswordRules("twelve chars").ok());
  // Eleven Arabic letters are 22 bytes but still too short; twelve are enough.
  EXPECT_FALSE(CheckPasswordRules("كلمةسرقصيرة").ok());
  EXPECT_TRUE(CheckPasswordRules("كلمةسرطويلةج").ok());
  EXPECT_FALSE(CheckPasswordRules(std::string(kMaxPasswordLength + 1, 'x')).ok());
}

TEST(Password, HashIsArgon2idSaltedAndVerifies) {
  auto a = HashPassword(kPassword);
  auto b = HashPassword(kPassword);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->starts_with("$argon2id$"));
  EXPECT_NE(*a, *b) << "each hash has its own salt";
  EXPECT_TRUE(VerifyPassword(*a, kPassword));
  EXPECT_FALSE(VerifyPassword(*a, "correct horse battery!"));
  EXPECT_FALSE(VerifyPassword("not a hash", kPassword));
  EXPECT_FALSE(VerifyPassword("", kPassword));
  EXPECT_FALSE(HashPassword("too short").ok());
}

TEST(Secrets, RandomHashTagCompare) {
  const std::string a = RandomSecret(32), b = RandomSecret(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(KeyedTag("k", "m"), KeyedTag("k", "m"));
  EXPECT_NE(KeyedTag("k", "m"), KeyedTag("k2", "m"));
  EXPECT_TRUE(ConstantTimeEquals("same", "same"));
  EXPECT_FALSE(ConstantTimeEquals("same", "samf"));
  EXPECT_FALSE(ConstantTimeEquals("same", "sam"));
}

TEST(SignInThrottle, BacksOffExponentiallyAfterFiveFailures) {
  SignInThrottle throttle;
  const auto t0 = SignInThrottle::Clock::now();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(throttle.Wait("amal", "1.1.1.1", t0).count(), 0) << i;
    throttle.RecordFailure("amal", "1.1.1.1", t0);
  }
  EXPECT_EQ(throttle.Wait("amal", "1.1.1.1", t0).count(), 1);
  EXPECT_EQ(throttle.Wait("amal", "other", t0).count(), 1) << "per account";
  EXPECT_EQ(throttle.Wait("other", "1.1.1.1", t0).count(), 1) << "per client address";
  EXPECT_EQ(throttle.Wait("other", "other", t0).count(), 0);
  EXPECT_EQ(throttle.Wait("amal", "x", t0 + std::chrono::seconds(1)).count(), 0);
  throttle.RecordFailure("amal", "1.1.1.1", t0 + std::chrono::seconds(1));  // sixth
  EXPECT_EQ(throttle.Wait("amal", "x", t0 + std::chrono::seconds(1)).count(), 2);
  throttle.RecordFailure("amal", "1.1.1.1", t0 + std::chrono::seconds(3));  // seventh
  EXPECT_EQ(throttle.Wait("amal", "x", t0 + std::chrono::seconds(3)).count(), 4);
  for (int i = 0; i < 40; ++i) throttle.RecordFailure("amal", "1.1.1.1", t0);
  EXPECT_EQ(throttle.Wait("amal", "x", t0).count(), 900) << "capped";
  throttle.RecordSuccess("amal", "1.1.1.1");
  EXPECT_EQ(throttle.Wait("amal", "1.1.1.1", t0).count(), 0);
}

TEST(SignInThrottle, MemoryIsBounded) {
  SignInThrottle throttle(ThrottleOptions{.max_keys = 100});
  const auto t0 = SignInThrottle::Clock::now();
  for (int i = 0; i < 1000; ++i) {
    throttle.RecordFailure("user" + std::to_string(i), "c", t0 + std::chrono::milliseconds(i));
  }
  // The client key, failing every time, is the newest and is kept.
  EXPECT_GT(throttle.Wait("anyone", "c", t0 + std::chrono::seconds(1)).count(), 0);
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = state::OpenSqliteStateStore(":memory:");
    ASSERT_TRUE(store.ok());
    store_ = std::shared_ptr<state::StateStore>(std::move(*store));
    auto account = CreateAccount(*store_, "amal", Role::kTeamLeader, "Sara", kPassword);
    ASSERT_TRUE(account.ok()) << account.error().message;
    Make(std::chrono::milliseconds(0));
  }

  // A fresh Authenticator over the same store (cache_ttl 0: every check reads the store).
  void Make(std::chrono::milliseconds cache_ttl) {
    AuthOptions options;
    options.cache_ttl = cache_ttl;
    options.session_idle = std::chrono::seconds(600);
    options.session_absolute = std::chrono::seconds(3600);
    options.now = [this] { return now_.load(); };
    auth_ = std::make_unique<Authenticator>(store_, options);
  }

  std::vector<std::string> AuditEvents() {
    std::vector<std::string> events;
    const auto entries = store_->ReadAudit(100);
    for (const auto& e : *entries) events.push_back(e.event + ":" + e.account);
    return events;
  }

  std::shared_ptr<state::StateStore> store_;
  std::unique_ptr<Authenticator> auth_;
  std::atomic<state::UnixSeconds> now_{1'000'000};
};

TEST_F(AuthenticatorTest, SignInMakesANewSessionEachTime) {
  const SignInResult first = auth_->SignIn("amal", std::string(kPassword), "10.0.0.1");
  ASSERT_EQ(first.outcome, Outcome::kSignedIn);
  EXPECT_EQ(first.session_id.size(), 43u);  // 256 random bits
  EXPECT_EQ(first.principal.name, "amal");
  EXPECT_EQ(first.principal.scope.role, AccessScope::Role::kTeamLeader);
  EXPECT_EQ(first.principal.scope.name, "Sara");
  // Stored hashed, never in clear.
  EXPECT_FALSE(store_->FindSession(first.session_id)->has_value());
  EXPECT_TRUE(store_->FindSession(Sha256Hex(first.session_id))->has_value());

  const auto who = auth_->FromSession(first.session_id);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->via, Principal::Via::kSession);
  EXPECT_EQ(who->scope.name, "Sara");

  const SignInResult second = auth_->SignIn("amal", std::string(kPassword), "10.0.0.1");
  ASSERT_EQ(second.outcome, Outcome::kSignedIn);
  EXPECT_NE(first.session_id, second.session_id);
  EXPECT_FALSE(auth_->FromSession("made-up").has_value());
  EXPECT_FALSE(auth_->FromSession("").has_value());
}

TEST_F(AuthenticatorTest, WrongNameAndWrongPasswordLookTheSame) {
  const SignInResult wrong_password = auth_->SignIn("amal", "wrong password!", "10.0.0.1");
  const SignInResult wrong_name = auth_->SignIn("nobody", std::string(kPassword), "10.0.0.2");
  EXPECT_EQ(wrong_password.outcome, Outcome::kRejected);
  EXPECT_EQ(wrong_name.outcome, Outcome::kRejected);
  EXPECT_TRUE(wrong_password.session_id.empty());
  const auto events = AuditEvents();
  EXPECT_EQ(events, (std::vector<std::string>{"sign_in_failed:amal", "sign_in_failed:nobody"}));
}

TEST_F(AuthenticatorTest, FiveFailuresThenBackOffEvenForTheRightPassword) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(auth_->SignIn("amal", "wrong password!", "10.0.0.9").outcome, Outcome::kRejected);
  }
  const SignInResult refused = auth_->SignIn("amal", std::string(kPassword), "10.0.0.9");
  EXPECT_EQ(refused.outcome, Outcome::kThrottled);
  EXPECT_GE(refused.retry_after.count(), 1);
  // Another address trying the same account is held back too, and the flooding address
  // trying another name.
  EXPECT_EQ(auth_->SignIn("amal", std::string(kPassword), "10.0.0.10").outcome,
            Outcome::kThrottled);
  EXPECT_EQ(auth_->SignIn("badr", std::string(kPassword), "10.0.0.9").outcome,
            Outcome::kThrottled);
  // Throttled attempts run no password check and write no audit line each.
  EXPECT_EQ(AuditEvents().size(), 5u);
}

TEST_F(AuthenticatorTest, SessionsExpireWhenIdleAndAtTheAbsoluteLimit) {
  const SignInResult in = auth_->SignIn("amal", std::string(kPassword), "c");
  ASSERT_EQ(in.outcome, Outcome::kSignedIn);
  // Used every 500 s (< 600 s idle limit): alive until the 3600 s absolute limit.
  for (int i = 1; i <= 7; ++i) {
    now_ += 500;
    EXPECT_TRUE(auth_->FromSession(in.session_id).has_value()) << i;
  }
  now_ += 200;  // 3700 s after sign-in
  EXPECT_FALSE(auth_->FromSession(in.session_id).has_value()) << "absolute expiry";
  EXPECT_FALSE(store_->FindSession(Sha256Hex(in.session_id))->has_value()) << "deleted";

  const SignInResult idle = auth_->SignIn("amal", std::string(kPassword), "c");
  now_ += 601;
  EXPECT_FALSE(auth_->FromSession(idle.session_id).has_value()) << "idle expiry";
}

TEST_F(AuthenticatorTest, SignOutEndsTheSessionAtOnceEvenWhenCached) {
  Make(std::chrono::milliseconds(60'000));
  const SignInResult in = auth_->SignIn("amal", std::string(kPassword), "c");
  const auto who = auth_->FromSession(in.session_id);  // now cached
  ASSERT_TRUE(who.has_value());
  auth_->SignOut(*who, "c");
  EXPECT_FALSE(auth_->FromSession(in.session_id).has_value());
  EXPECT_EQ(AuditEvents().back(), "sign_out:amal");
}

TEST_F(AuthenticatorTest, RemovedAccountOrNewPasswordEndsSessions) {
  const SignInResult in = auth_->SignIn("amal", std::string(kPassword), "c");
  ASSERT_TRUE(ChangePassword(*store_, "amal", "another long password").ok());
  EXPECT_FALSE(auth_->FromSession(in.session_id).has_value());
  EXPECT_EQ(auth_->SignIn("amal", std::string(kPassword), "c").outcome, Outcome::kRejected);
  const SignInResult again = auth_->SignIn("amal", "another long password", "c");
  ASSERT_EQ(again.outcome, Outcome::kSignedIn);
  ASSERT_TRUE(*store_->RemoveAccount("amal"));
  EXPECT_FALSE(auth_->FromSession(again.session_id).has_value());
}

TEST_F(AuthenticatorTest, TokensWorkUntilRevokedOrExpired) {
  auto forever = IssueToken(*store_, "amal", std::nullopt);
  auto week = IssueToken(*store_, "amal", 7);
  ASSERT_TRUE(forever.ok() && week.ok());
  EXPECT_TRUE(forever->token.starts_with(kTokenPrefix));
  EXPECT_FALSE(store_->FindToken(forever->token)->has_value()) << "stored hashed";

  // Wall-clock time for tokens (IssueToken stamps the real time).
  now_ = week->record.created_at;
  const auto who = auth_->FromToken(forever->token, "c");
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->via, Principal::Via::kToken);
  EXPECT_EQ(who->scope.name, "Sara");
  EXPECT_TRUE(auth_->FromToken(week->token, "c").has_value());
  EXPECT_EQ(AuditEvents().back(), "token_used:amal");

  now_ += 7 * 86400;
  EXPECT_FALSE(auth_->FromToken(week->token, "c").has_value()) << "expired";
  EXPECT_TRUE(auth_->FromToken(forever->token, "c").has_value());
  ASSERT_TRUE(*store_->RevokeToken(forever->record.id, now_));
  EXPECT_FALSE(auth_->FromToken(forever->token, "c").has_value()) << "revoked";
  EXPECT_FALSE(auth_->FromToken("keeta_made-up", "c").has_value());
  EXPECT_FALSE(IssueToken(*store_, "nobody", std::nullopt).ok());
  EXPECT_FALSE(IssueToken(*store_, "amal", 0).ok());
}

TEST_F(AuthenticatorTest, CsrfTagBelongsToOneSession) {
  const SignInResult a = auth_->SignIn("amal", std::string(kPassword), "c");
  const SignInResult b = auth_->SignIn("amal", std::string(kPassword), "c");
  const std::string tag = auth_->CsrfTag(a.principal);
  EXPECT_TRUE(auth_->CheckCsrfTag(a.principal, tag));
  EXPECT_FALSE(auth_->CheckCsrfTag(b.principal, tag));
  EXPECT_FALSE(auth_->CheckCsrfTag(a.principal, ""));
}

TEST_F(AuthenticatorTest, TrustedNameSignsInExistingAccountsOnly) {
  const auto who = auth_->FromTrustedName("amal");
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->via, Principal::Via::kProxy);
  EXPECT_FALSE(auth_->FromTrustedName("nobody").has_value());
  EXPECT_FALSE(auth_->FromTrustedName("").has_value());
}

TEST(Accounts, RulesForNamesScopesAndRoles) {
  auto store = state::OpenSqliteStateStore(":memory:");
  ASSERT_TRUE(store.ok());
  auto& s = **store;
  EXPECT_FALSE(CreateAccount(s, "", Role::kAdmin, "", kPassword).ok());
  EXPECT_FALSE(CreateAccount(s, "bad\nname", Role::kAdmin, "", kPassword).ok());
  EXPECT_FALSE(CreateAccount(s, "root", Role::kAdmin, "Sara", kPassword).ok());
  EXPECT_FALSE(CreateAccount(s, "agent", Role::kAgent, "", kPassword).ok());
  EXPECT_FALSE(CreateAccount(s, "agent", Role::kAgent, "Ahmed", "short").ok());
  EXPECT_EQ(*s.CountAccounts(), 0u);
  auto ok = CreateAccount(s, "أحمد", Role::kAgent, "Ahmed", kPassword);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(VerifyPassword(ok->password_hash, kPassword));
  EXPECT_FALSE(ChangePassword(s, "nobody", kPassword).ok());
}

}  // namespace
}  // namespace keeta::auth
