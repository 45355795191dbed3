#include "auth/accounts.h"

#include <chrono>
#include <fmt/format.h>

#include "auth/password.h"
#include "auth/secrets.h"

namespace keeta::auth {
namespace {

state::UnixSeconds NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<bool> CheckName(std::string_view name, std::string_view param) {
  if (name.empty()) return Error{fmt::format("{} must not be empty", param), std::string(param)};
  if (name.size() > kMaxAccountNameBytes) {
    return Error{fmt::format("{} is longer than {} bytes", param, kMaxAccountNameBytes),
                 std::string(param)};
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return Error{fmt::format("{} must not contain control characters", param),
                   std::string(param)};
    }
  }
  return true;
}

}  // namespace

Result<state::Account> CreateAccount(state::StateStore& store, std::string_view name,
                                     state::Role role, std::string_view scope,
                                     std::string_view password) {
  if (auto ok = CheckName(name, "name"); !ok) return ok.error();
  if (role == state::Role::kAdmin && !scope.empty()) {
    return Error{"an admin sees everything: leave out --scope", "scope"};
  }
  if (role != state::Role::kAdmin) {
    if (scope.empty()) {
      return Error{fmt::format("--scope is required for the role {}: the {} name as it "
                               "appears in the data",
                               state::RoleName(role), state::RoleName(role)),
                   "scope"};
    }
    if (auto ok = CheckName(scope, "scope"); !ok) return ok.error();
  }
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  state::Account account;
  account.name = std::string(name);
  account.role = role;
  account.scope = std::string(scope);
  account.password_hash = std::move(*hash);
  account.created_at = NowSeconds();
  return store.AddAccount(account);
}

Result<bool> ChangePassword(state::StateStore& store, std::string_view name,
                            std::string_view password) {
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  auto changed = store.SetPasswordHash(name, *hash);
  if (!changed) return changed.error();
  if (!*changed) return Error{fmt::format("no account named '{}'", name), "name"};
  return true;
}

Result<IssuedToken> IssueToken(state::StateStore& store, std::string_view account_name,
                               std::optional<int> expires_days) {
  auto account = store.FindAccount(account_name);
  if (!account) return account.error();
  if (!*account) return Error{fmt::format("no account named '{}'", account_name), "user"};
  if (expires_days && *expires_days <= 0) {
    return Error{"--expires-days must be a positive number of days", "expires-days"};
  }
  IssuedToken issued;
  issued.token = std::string(kTokenPrefix) + RandomSecret(32);
  state::TokenRecord record;
  record.hash = Sha256Hex(issued.token);
  record.account_id = (*account)->id;
  record.account_name = (*account)->name;
  record.created_at = NowSeconds();
  if (expires_days) record.expires_at = record.created_at + std::int64_t{*expires_days} * 86400;
  auto created = store.CreateToken(record);
  if (!created) return created.error();
  issued.record = std::move(*created);
  return issued;
}

}  // namespace keeta::auth
