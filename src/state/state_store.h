// StateStore: where Keeta keeps what is not data — accounts, sign-in sessions, API tokens,
// the audit log and small settings (per-KPI targets, saved defaults). An interface, so the
// state may live in SQLite (one server; sqlite_state_store.h) or, later, in PostgreSQL
// (several servers sharing it). Records are plain values; secrets are stored only hashed
// (password: Argon2id string; session id and token: SHA-256 hex), never in clear.
//
// Thread-safety: every implementation may be called from any thread at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/query.h"
#include "core/result.h"

namespace keeta::state {

using Role = AccessScope::Role;
using UnixSeconds = std::int64_t;

// "admin", "supervisor", "team_leader", "agent" (the names of the CLI and the database).
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Account {
  std::int64_t id = 0;
  std::string name;           // the sign-in name; unique
  Role role = Role::kAdmin;
  std::string scope;          // the supervisor / team leader / agent name; "" for admins
  std::string password_hash;  // crypto_pwhash_str output
  UnixSeconds created_at = 0;

  AccessScope access() const { return AccessScope{role, role == Role::kAdmin ? "" : scope}; }
};

struct SessionRecord {
  std::string id_hash;  // SHA-256 hex of the cookie's id
  std::int64_t account_id = 0;
  UnixSeconds created_at = 0;
  UnixSeconds last_seen_at = 0;  // for the idle expiry
};

struct TokenRecord {
  std::int64_t id = 0;
  std::string hash;  // SHA-256 hex of the token
  std::int64_t account_id = 0;
  std::string account_name;  // filled by reads
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> expires_at;
  std::optional<UnixSeconds> revoked_at;
  std::optional<UnixSeconds> last_used_at;
};

// One audit line: who did what from where. `event` is a short word such as "sign_in",
// "sign_in_failed", "sign_out", "token_used", "export" (docs/api.md lists them).
struct AuditEntry {
  std::int64_t id = 0;
  UnixSeconds at = 0;
  std::string event;
  std::string account;  // the account name, or the name tried for a failed sign-in
  std::string client;   // the client's address, "cli" for the command line
  std::string detail;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // ---- accounts. Names are unique; Add of an existing name is an Error.
  virtual Result<Account> AddAccount(const Account& account) = 0;
  virtual Result<std::optional<Account>> FindAccount(std::string_view name) = 0;
  virtual Result<std::optional<Account>> FindAccountById(std::int64_t id) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;  // by name
  virtual Result<std::size_t> CountAccounts() = 0;
  // Removes the account with its sessions and tokens; false when there is none.
  virtual Result<bool> RemoveAccount(std::string_view name) = 0;
  // Replaces the password hash and ends every session of the account; false when none.
  virtual Result<bool> SetPasswordHash(std::string_view name, std::string_view hash) = 0;

  // ---- sessions.
  virtual Result<bool> CreateSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> FindSession(std::string_view id_hash) = 0;
  virtual Result<bool> TouchSession(std::string_view id_hash, UnixSeconds now) = 0;
  virtual Result<bool> DeleteSession(std::string_view id_hash) = 0;
  // Deletes sessions created before `created_before` or last seen before `seen_before`.
  virtual Result<std::size_t> DeleteSessionsOlderThan(UnixSeconds created_before,
                                                      UnixSeconds seen_before) = 0;

  // ---- API tokens. CreateToken fills in the id.
  virtual Result<TokenRecord> CreateToken(const TokenRecord& token) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(std::string_view hash) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;  // by id
  virtual Result<bool> RevokeToken(std::int64_t id, UnixSeconds now) = 0;  // false: none
  virtual Result<bool> TouchToken(std::int64_t id, UnixSeconds now) = 0;

  // ---- audit log (append-only).
  virtual Result<bool> AppendAudit(const AuditEntry& entry) = 0;
  // The newest `limit` entries, oldest first.
  virtual Result<std::vector<AuditEntry>> ReadAudit(std::size_t limit) = 0;

  // ---- settings: small text values under dotted keys ("target.csat" -> ">= 85").
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Result<bool> PutSetting(std::string_view key, std::string_view value) = 0;
  virtual Result<bool> DeleteSetting(std::string_view key) = 0;  // false: there was none
  // Every (key, value) whose key starts with `prefix`, sorted by key.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListSettings(
      std::string_view prefix) = 0;
};

}  // namespace keeta::state
