#include "state/sqlite_state_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fmt/format.h>
#include <mutex>
#include <string_view>

namespace keeta::state {
namespace {

// Each migration moves the schema from version i to i + 1; never edit a shipped one,
// append a new one.
constexpr std::array<std::string_view, 1> kMigrations{
    R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'team_leader', 'agent')),
  scope TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  account TEXT NOT NULL DEFAULT '',
  client TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"};

Error SqlError(sqlite3* db, std::string_view what) {
  return Error{fmt::format("state store: {}: {}", what, sqlite3_errmsg(db)), "state"};
}

// A prepared statement with positional binding; finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool prepared() const { return rc_ == SQLITE_OK; }
  Statement& Bind(std::string_view text) {
    sqlite3_bind_text(stmt_, ++index_, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(std::int64_t value) {
    sqlite3_bind_int64(stmt_, ++index_, value);
    return *this;
  }
  Statement& Bind(const std::optional<std::int64_t>& value) {
    if (value) return Bind(*value);
    sqlite3_bind_null(stmt_, ++index_);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::optional<std::int64_t> OptInt(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return Int(col);
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
  int index_ = 0;
};

constexpr std::string_view kAccountColumns =
    "id, name, role, scope, password_hash, created_at";
constexpr std::string_view kTokenColumns =
    "t.id, t.hash, t.account_id, a.name, t.created_at, t.expires_at, t.revoked_at, "
    "t.last_used_at";

Account ReadAccount(const Statement& s) {
  Account a;
  a.id = s.Int(0);
  a.name = s.Text(1);
  a.role = ParseRole(s.Text(2)).value_or(Role::kAgent);  // CHECK constraint keeps it valid
  a.scope = s.Text(3);
  a.password_hash = s.Text(4);
  a.created_at = s.Int(5);
  return a;
}

TokenRecord ReadToken(const Statement& s) {
  TokenRecord t;
  t.id = s.Int(0);
  t.hash = s.Text(1);
  t.account_id = s.Int(2);
  t.account_name = s.Text(3);
  t.created_at = s.Int(4);
  t.expires_at = s.OptInt(5);
  t.revoked_at = s.OptInt(6);
  t.last_used_at = s.OptInt(7);
  return t;
}

class SqliteStateStore final : public StateStore {
 public:
  explicit SqliteStateStore(sqlite3* db) : db_(db) {}
  ~SqliteStateStore() override { sqlite3_close_v2(db_); }

  Result<bool> Migrate() {
    std::lock_guard lock(mu_);
    auto version = QueryInt("PRAGMA user_version");
    if (!version) return version.error();
    if (*version > static_cast<std::int64_t>(kMigrations.size())) {
      return Error{fmt::format("state store: schema version {} is newer than this Keeta "
                               "understands ({}); upgrade Keeta",
                               *version, kMigrations.size()),
                   "state"};
    }
    for (auto v = static_cast<std::size_t>(*version); v < kMigrations.size(); ++v) {
      std::string sql = fmt::format("BEGIN IMMEDIATE; {} PRAGMA user_version = {}; COMMIT;",
                                    kMigrations[v], v + 1);
      if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        Error error = SqlError(db_, fmt::format("migration to version {}", v + 1));
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return error;
      }
    }
    return true;
  }

  Result<Account> AddAccount(const Account& account) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "INSERT INTO accounts (name, role, scope, password_hash, created_at) "
                     "VALUES (?, ?, ?, ?, ?)");
    if (!s.prepared()) return SqlError(db_, "add account");
    s.Bind(account.name).Bind(RoleName(account.role)).Bind(account.scope)
        .Bind(account.password_hash).Bind(account.created_at);
    const int rc = s.Step();
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
      return Error{fmt::format("an account named '{}' already exists", account.name), "name"};
    }
    if (rc != SQLITE_DONE) return SqlError(db_, "add account");
    Account added = account;
    added.id = sqlite3_last_insert_rowid(db_);
    return added;
  }

  Result<std::optional<Account>> FindAccount(std::string_view name) override {
    std::lock_guard lock(mu_);
    Statement s(db_, fmt::format("SELECT {} FROM accounts WHERE name = ?", kAccountColumns));
    s.Bind(name);
    return OneAccount(s);
  }

  Result<std::optional<Account>> FindAccountById(std::int64_t id) override {
    std::lock_guard lock(mu_);
    Statement s(db_, fmt::format("SELECT {} FROM accounts WHERE id = ?", kAccountColumns));
    s.Bind(id);
    return OneAccount(s);
  }

  Result<std::vector<Account>> ListAccounts() override {
    std::lock_guard lock(mu_);
    Statement s(db_, fmt::format("SELECT {} FROM accounts ORDER BY name", kAccountColumns));
    std::vector<Account> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadAccount(s));
    if (rc != SQLITE_DONE) return SqlError(db_, "list accounts");
    return out;
  }

  Result<std::size_t> CountAccounts() override {
    std::lock_guard lock(mu_);
    auto n = QueryInt("SELECT count(*) FROM accounts");
    if (!n) return n.error();
    return static_cast<std::size_t>(*n);
  }

  Result<bool> RemoveAccount(std::string_view name) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "DELETE FROM accounts WHERE name = ?");
    s.Bind(name);
    return Changed(s, "remove account");
  }

  Result<bool> SetPasswordHash(std::string_view name, std::string_view hash) override {
    std::lock_guard lock(mu_);
    if (!Exec("BEGIN IMMEDIATE")) return SqlError(db_, "set password");
    Statement s(db_, "UPDATE accounts SET password_hash = ? WHERE name = ?");
    s.Bind(hash).Bind(name);
    auto changed = Changed(s, "set password");
    if (changed && *changed) {
      Statement end(db_, "DELETE FROM sessions WHERE account_id = "
                         "(SELECT id FROM accounts WHERE name = ?)");
      end.Bind(name);
      if (end.Step() != SQLITE_DONE) changed = SqlError(db_, "end sessions");
    }
    Exec(changed ? "COMMIT" : "ROLLBACK");
    return changed;
  }

  Result<bool> CreateSession(const SessionRecord& session) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at) "
                     "VALUES (?, ?, ?, ?)");
    s.Bind(session.id_hash).Bind(session.account_id).Bind(session.created_at)
        .Bind(session.last_seen_at);
    return Changed(s, "create session");
  }

  Result<std::optional<SessionRecord>> FindSession(std::string_view id_hash) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "SELECT id_hash, account_id, created_at, last_seen_at FROM sessions "
                     "WHERE id_hash = ?");
    s.Bind(id_hash);
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return std::optional<SessionRecord>();
    if (rc != SQLITE_ROW) return SqlError(db_, "find session");
    return std::optional<SessionRecord>(SessionRecord{s.Text(0), s.Int(1), s.Int(2), s.Int(3)});
  }

  Result<bool> TouchSession(std::string_view id_hash, UnixSeconds now) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
    s.Bind(now).Bind(id_hash);
    return Changed(s, "touch session");
  }

  Result<bool> DeleteSession(std::string_view id_hash) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "DELETE FROM sessions WHERE id_hash = ?");
    s.Bind(id_hash);
    return Changed(s, "delete session");
  }

  Result<std::size_t> DeleteSessionsOlderThan(UnixSeconds created_before,
                                              UnixSeconds seen_before) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?");
    s.Bind(created_before).Bind(seen_before);
    if (s.Step() != SQLITE_DONE) return SqlError(db_, "expire sessions");
    return static_cast<std::size_t>(sqlite3_changes(db_));
  }

  Result<TokenRecord> CreateToken(const TokenRecord& token) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "INSERT INTO api_tokens (hash, account_id, created_at, expires_at) "
                     "VALUES (?, ?, ?, ?)");
    s.Bind(token.hash).Bind(token.account_id).Bind(token.created_at).Bind(token.expires_at);
    if (s.Step() != SQLITE_DONE) return SqlError(db_, "create token");
    TokenRecord created = token;
    created.id = sqlite3_last_insert_rowid(db_);
    return created;
  }

  Result<std::optional<TokenRecord>> FindToken(std::string_view hash) override {
    std::lock_guard lock(mu_);
    Statement s(db_, fmt::format("SELECT {} FROM api_tokens t JOIN accounts a "
                                 "ON a.id = t.account_id WHERE t.hash = ?", kTokenColumns));
    s.Bind(hash);
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return std::optional<TokenRecord>();
    if (rc != SQLITE_ROW) return SqlError(db_, "find token");
    return std::optional<TokenRecord>(ReadToken(s));
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    std::lock_guard lock(mu_);
    Statement s(db_, fmt::format("SELECT {} FROM api_tokens t JOIN accounts a "
                                 "ON a.id = t.account_id ORDER BY t.id", kTokenColumns));
    std::vector<TokenRecord> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadToken(s));
    if (rc != SQLITE_DONE) return SqlError(db_, "list tokens");
    return out;
  }

  Result<bool> RevokeToken(std::int64_t id, UnixSeconds now) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    s.Bind(now).Bind(id);
    return Changed(s, "revoke token");
  }

  Result<bool> TouchToken(std::int64_t id, UnixSeconds now) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    s.Bind(now).Bind(id);
    return Changed(s, "touch token");
  }

  Result<bool> AppendAudit(const AuditEntry& e) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "INSERT INTO audit_log (at, event, account, client, detail) "
                     "VALUES (?, ?, ?, ?, ?)");
    s.Bind(e.at).Bind(e.event).Bind(e.account).Bind(e.client).Bind(e.detail);
    return Changed(s, "append audit");
  }

  Result<std::vector<AuditEntry>> ReadAudit(std::size_t limit) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "SELECT id, at, event, account, client, detail FROM "
                     "(SELECT * FROM audit_log ORDER BY id DESC LIMIT ?) ORDER BY id");
    s.Bind(static_cast<std::int64_t>(limit));
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      out.push_back(AuditEntry{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5)});
    }
    if (rc != SQLITE_DONE) return SqlError(db_, "read audit");
    return out;
  }

  Result<std::optional<std::string>> GetSetting(std::string_view key) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "SELECT value FROM settings WHERE key = ?");
    s.Bind(key);
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    if (rc != SQLITE_ROW) return SqlError(db_, "get setting");
    return std::optional<std::string>(s.Text(0));
  }

  Result<bool> PutSetting(std::string_view key, std::string_view value) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "INSERT INTO settings (key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.Bind(key).Bind(value);
    return Changed(s, "put setting");
  }

  Result<bool> DeleteSetting(std::string_view key) override {
    std::lock_guard lock(mu_);
    Statement s(db_, "DELETE FROM settings WHERE key = ?");
    s.Bind(key);
    return Changed(s, "delete setting");
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListSettings(
      std::string_view prefix) override {
    std::lock_guard lock(mu_);
    // substr() rather than LIKE: a '%' or '_' in the prefix is then just a character.
    Statement s(db_, "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? "
                     "ORDER BY key");
    s.Bind(static_cast<std::int64_t>(prefix.size())).Bind(prefix);
    std::vector<std::pair<std::string, std::string>> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.emplace_back(s.Text(0), s.Text(1));
    if (rc != SQLITE_DONE) return SqlError(db_, "list settings");
    return out;
  }

 private:
  bool Exec(const char* sql) {
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  Result<std::int64_t> QueryInt(std::string_view sql) {
    Statement s(db_, sql);
    if (s.Step() != SQLITE_ROW) return SqlError(db_, sql);
    return s.Int(0);
  }

  Result<std::optional<Account>> OneAccount(Statement& s) {
    const int rc = s.Step();
    if (rc == SQLITE_DONE) return std::optional<Account>();
    if (rc != SQLITE_ROW) return SqlError(db_, "find account");
    return std::optional<Account>(ReadAccount(s));
  }

  Result<bool> Changed(Statement& s, std::string_view what) {
    if (s.Step() != SQLITE_DONE) return SqlError(db_, what);
    return sqlite3_changes(db_) > 0;
  }

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kSupervisor: return "supervisor";
    case Role::kTeamLeader: return "team_leader";
    case Role::kAgent: return "agent";
  }
  return "agent";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAdmin, Role::kSupervisor, Role::kTeamLeader, Role::kAgent}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

int SqliteSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<std::unique_ptr<StateStore>> OpenSqliteStateStore(const std::string& path) {
  sqlite3* db = nullptr;
  // Owner-only permissions for a new file: it holds password hashes.
  const mode_t old_mask = ::umask(077);
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                                 nullptr);
  ::umask(old_mask);
  if (rc != SQLITE_OK) {
    Error error{fmt::format("cannot open state file '{}': {}", path,
                            db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)),
                "state"};
    sqlite3_close_v2(db);
    return error;
  }
  auto store = std::make_unique<SqliteStateStore>(db);
  sqlite3_busy_timeout(db, 5000);
  // WAL: the server reads while the CLI writes. Foreign keys: removing an account removes
  // its sessions and tokens. Both are per connection.
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON",
                             "PRAGMA synchronous = NORMAL"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqlError(db, fmt::format("'{}' (is '{}' an SQLite file?)", pragma, path));
    }
  }
  auto migrated = store->Migrate();
  if (!migrated) return migrated.error();
  return std::unique_ptr<StateStore>(std::move(store));
}

}  // namespace keeta::state
