// The SQLite state store: migrations, accounts, sessions, tokens, audit log, settings, and
// that removing an account or changing its password takes its credentials with it.
#include "state/sqlite_state_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keeta::state {
namespace {

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("keeta-state-{}-{}", ::getpid(), counter_++);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::unique_ptr<StateStore> Open(const std::string& path = ":memory:") {
  auto store = OpenSqliteStateStore(path);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

Account MakeAccount(std::string name, Role role = Role::kAdmin, std::string scope = "") {
  Account a;
  a.name = std::move(name);
  a.role = role;
  a.scope = std::move(scope);
  a.password_hash = "hash-of-" + a.name;
  a.created_at = 1000;
  return a;
}

TEST(StateStore, RoleNamesRoundTrip) {
  for (Role r : {Role::kAdmin, Role::kSupervisor, Role::kTeamLeader, Role::kAgent}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_FALSE(ParseRole("root").has_value());
}

TEST(StateStore, AccountsAddFindListRemove) {
  auto store = Open();
  auto added = store->AddAccount(MakeAccount("zoe", Role::kAgent, "Ahmed"));
  ASSERT_TRUE(added.ok());
  EXPECT_GT(added->id, 0);
  ASSERT_TRUE(store->AddAccount(MakeAccount("amal")).ok());
  auto dup = store->AddAccount(MakeAccount("zoe"));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("already exists"), std::string::npos);

  auto found = store->FindAccount("zoe");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->role, Role::kAgent);
  EXPECT_EQ((*found)->scope, "Ahmed");
  EXPECT_EQ((*found)->password_hash, "hash-of-zoe");
  EXPECT_EQ((*found)->access().role, Role::kAgent);
  EXPECT_EQ((*found)->access().name, "Ahmed");
  EXPECT_FALSE(store->FindAccount("nobody")->has_value());
  EXPECT_EQ(store->FindAccountById(added->id).value()->name, "zoe");

  auto all = store->ListAccounts();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "amal");  // sorted by name
  EXPECT_EQ(*store->CountAccounts(), 2u);
  EXPECT_TRUE(*store->RemoveAccount("zoe"));
  EXPECT_FALSE(*store->RemoveAccount("zoe"));
  EXPECT_EQ(*store->CountAccounts(), 1u);
}

TEST(StateStore, RemovingAnAccountRemovesItsSessionsAndTokens) {
  auto store = Open();
  const Account a = *store->AddAccount(MakeAccount("amal"));
  ASSERT_TRUE(*store->CreateSession({"s1", a.id, 10, 10}));
  TokenRecord t;
  t.hash = "t1";
  t.account_id = a.id;
  t.created_at = 10;
  ASSERT_TRUE(store->CreateToken(t).ok());
  ASSERT_TRUE(*store->RemoveAccount("amal"));
  EXPECT_FALSE(store->FindSession("s1")->has_value());
  EXPECT_FALSE(store->FindToken("t1")->has_value());
}

TEST(StateStore, NewPasswordEndsSessions) {
  auto store = Open();
  const Account a = *store->AddAccount(MakeAccount("amal"));
  const Account b = *store->AddAccount(MakeAccount("badr"));
  ASSERT_TRUE(*store->CreateSession({"sa", a.id, 10, 10}));
  ASSERT_TRUE(*store->CreateSession({"sb", b.id, 10, 10}));
  EXPECT_TRUE(*store->SetPasswordHash("amal", "new"));
  EXPECT_EQ(store->FindAccount("amal").value()->password_hash, "new");
  EXPECT_FALSE(store->FindSession("sa")->has_value());
  EXPECT_TRUE(store->FindSession("sb")->has_value());
  EXPECT_FALSE(*store->SetPasswordHash("nobody", "x"));
}

TEST(StateStore, SessionsTouchDeleteAndExpire) {
  auto store = Open();
  const Account a = *store->AddAccount(MakeAccount("amal"));
  ASSERT_TRUE(*store->CreateSession({"old", a.id, 10, 10}));
  ASSERT_TRUE(*store->CreateSession({"idle", a.id, 500, 500}));
  ASSERT_TRUE(*store->CreateSession({"live", a.id, 500, 900}));
  EXPECT_TRUE(*store->TouchSession("live", 950));
  EXPECT_EQ(store->FindSession("live").value()->last_seen_at, 950);
  // Created before 100 or last seen before 600.
  EXPECT_EQ(*store->DeleteSessionsOlderThan(100, 600), 2u);
  EXPECT_TRUE(store->FindSession("live")->has_value());
  EXPECT_TRUE(*store->DeleteSession("live"));
  EXPECT_FALSE(store->FindSession("live")->has_value());
}

TEST(StateStore, TokensCreateListRevokeTouch) {
  auto store = Open();
  const Account a = *store->AddAccount(MakeAccount("amal"));
  TokenRecord t;
  t.hash = "h1";
  t.account_id = a.id;
  t.created_at = 10;
  t.expires_at = 99;
  const TokenRecord created = *store->CreateToken(t);
  EXPECT_GT(created.id, 0);
  auto found = store->FindToken("h1");
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->account_name, "amal");
  EXPECT_EQ((*found)->expires_at, 99);
  EXPECT_FALSE((*found)->revoked_at.has_value());
  EXPECT_TRUE(*store->TouchToken(created.id, 50));
  EXPECT_TRUE(*store->RevokeToken(created.id, 60));
  EXPECT_FALSE(*store->RevokeToken(created.id, 61));  // already revoked
  auto listed = store->ListTokens();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].revoked_at, 60);
  EXPECT_EQ((*listed)[0].last_used_at, 50);
}

TEST(StateStore, AuditKeepsTheNewestInOrder) {
  auto store = Open();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(*store->AppendAudit({0, 100 + i, "sign_in", fmt::format("u{}", i), "1.2.3.4", ""}));
  }
  auto newest = store->ReadAudit(3);
  ASSERT_EQ(newest->size(), 3u);
  EXPECT_EQ((*newest)[0].account, "u2");
  EXPECT_EQ((*newest)[2].account, "u4");
  EXPECT_EQ((*newest)[2].at, 104);
}

TEST(StateStore, SettingsPutGetListDelete) {
  auto store = Open();
  EXPECT_FALSE(store->GetSetting("target.csat")->has_value());
  ASSERT_TRUE(*store->PutSetting("target.csat", ">= 85"));
  ASSERT_TRUE(*store->PutSetting("target.csat", ">= 90"));  // replaces
  ASSERT_TRUE(*store->PutSetting("target.avg_queue_time", "<= 30"));
  ASSERT_TRUE(*store->PutSetting("target%x", "not under target."));
  ASSERT_TRUE(*store->PutSetting("theme", "dark"));
  EXPECT_EQ(store->GetSetting("target.csat").value().value(), ">= 90");
  auto targets = store->ListSettings("target.");
  ASSERT_EQ(targets->size(), 2u);  // '.' and '%' are plain characters in the prefix
  EXPECT_EQ((*targets)[0].first, "target.avg_queue_time");
  EXPECT_EQ(store->ListSettings("target%")->size(), 1u);
  EXPECT_TRUE(*store->DeleteSetting("theme"));
  EXPECT_FALSE(*store->DeleteSetting("theme"));
}

TEST(StateStore, FilePersistsIsPrivateAndIsMigratedOnce) {
  TempDir dir;
  const std::string path = dir.File("state.db");
  {
    auto store = Open(path);
    ASSERT_TRUE(store->AddAccount(MakeAccount("amal")).ok());
  }
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << "the state file must not be readable by others";
  auto again = Open(path);
  EXPECT_EQ(*again->CountAccounts(), 1u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), SqliteSchemaVersion());
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(StateStore, NewerSchemaOrNonSqliteFileIsAClearError) {
  TempDir dir;
  const std::string newer = dir.File("newer.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(newer.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  auto opened = OpenSqliteStateStore(newer);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("newer"), std::string::npos);

  const std::string junk = dir.File("junk.db");
  FILE* f = std::fopen(junk.c_str(), "w");
  std::fputs("day,agent\n2025-01-01,Ahmed\n this is not a database at all, just some text", f);
  std::fclose(f);
  auto not_db = OpenSqliteStateStore(junk);
  ASSERT_FALSE(not_db.ok());
  EXPECT_NE(not_db.error().message.find(junk), std::string::npos);
}

}  // namespace
}  // namespace keeta::state
