// Account administration for the command line (`keeta users …`, `keeta tokens …`): the
// rules an account must follow (a name, a role, a scope for every role but admin, a
// password of at least 12 characters), hashing, and issuing API tokens (shown once,
// stored as SHA-256). Stateless functions over a StateStore; thread-safe as it is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "state/state_store.h"

namespace keeta::auth {

inline constexpr std::size_t kMaxAccountNameBytes = 128;
inline constexpr std::string_view kTokenPrefix = "keeta_";  // easy for secret scanners

// Validates and stores a new account. An admin's scope must be empty; every other role
// names the supervisor / team leader / agent it sees, as written in the data.
Result<state::Account> CreateAccount(state::StateStore& store, std::string_view name,
                                     state::Role role, std::string_view scope,
                                     std::string_view password);

// Sets a new password (same rules) and ends the account's sessions. Error if no account.
Result<bool> ChangePassword(state::StateStore& store, std::string_view name,
                            std::string_view password);

struct IssuedToken {
  std::string token;  // the only time it exists in clear
  state::TokenRecord record;
};

// A new API token for `account_name`, expiring after `expires_days` days when given (> 0).
Result<IssuedToken> IssueToken(state::StateStore& store, std::string_view account_name,
                               std::optional<int> expires_days);

}  // namespace keeta::auth
