#include "cli/account_commands.h"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "auth/accounts.h"
#include "state/sqlite_state_store.h"

namespace keeta::cli {
namespace {

constexpr const char* kDefaultStatePath = "keeta-state.db";

int Fail(const std::string& message) {
  std::fprintf(stderr, "keeta: %s\n", message.c_str());
  return 1;
}

// One line from standard input; echo is off while a terminal types it.
std::optional<std::string> ReadPassword(const std::string& prompt) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt.c_str());
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string FormatTime(std::optional<state::UnixSeconds> t) {
  if (!t) return "-";
  const std::time_t tt = static_cast<std::time_t>(*t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Audit fields may hold what a stranger typed into the sign-in form: no control characters
// reach the terminal.
std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Shared by every subcommand: --state and opening the store.
struct StateOption {
  std::string path = kDefaultStatePath;
  void AddTo(CLI::App* cmd) {
    cmd->add_option("--state", path, "State file (accounts, sessions, tokens, audit log)")
        ->capture_default_str();
  }
  std::unique_ptr<state::StateStore> Open(int& exit_code) const {
    auto store = state::OpenSqliteStateStore(path);
    if (!store) {
      exit_code = Fail(store.error().message);
      return nullptr;
    }
    return std::move(*store);
  }
};

void RegisterUsers(CLI::App& app, int& exit_code) {
  auto* users = app.add_subcommand("users", "Manage accounts (admin, supervisor, team_leader, agent)");
  users->require_subcommand(1);

  struct AddArgs {
    StateOption state;
    std::string name, role, scope;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = users->add_subcommand("add", "Add an account; the password is read from stdin");
  add->add_option("name", add_args->name, "Sign-in name")->required();
  add->add_option("--role", add_args->role, "admin, supervisor, team_leader or agent")
      ->required()
      ->check(CLI::IsMember({"admin", "supervisor", "team_leader", "agent"}));
  add->add_option("--scope", add_args->scope,
                  "The supervisor / team leader / agent name as in the data (not for admin)");
  add_args->state.AddTo(add);
  add->callback([add_args, &exit_code] {
    auto store = add_args->state.Open(exit_code);
    if (!store) return;
    auto password = ReadPassword(fmt::format("Password for {}: ", add_args->name));
    if (!password) {
      exit_code = Fail("no password on standard input");
      return;
    }
    auto account = auth::CreateAccount(*store, add_args->name, *state::ParseRole(add_args->role),
                                       add_args->scope, *password);
    if (!account) {
      exit_code = Fail(account.error().message);
      return;
    }
    std::printf("added %s (%s%s%s)\n", account->name.c_str(), add_args->role.c_str(),
                account->scope.empty() ? "" : ": ", account->scope.c_str());
  });

  auto list_state = std::make_shared<StateOption>();
  auto* list = users->add_subcommand("list", "List accounts");
  list_state->AddTo(list);
  list->callback([list_state, &exit_code] {
    auto store = list_state->Open(exit_code);
    if (!store) return;
    auto accounts = store->ListAccounts();
    if (!accounts) {
      exit_code = Fail(accounts.error().message);
      return;
    }
    std::printf("%-24s %-12s %-24s %s\n", "NAME", "ROLE", "SCOPE", "CREATED");
    for (const auto& a : *accounts) {
      std::printf("%-24s %-12s %-24s %s\n", a.name.c_str(),
                  std::string(state::RoleName(a.role)).c_str(),
                  a.scope.empty() ? "(everything)" : a.scope.c_str(),
                  FormatTime(a.created_at).c_str());
    }
  });

  struct NameArgs {
    StateOption state;
    std::string name;
  };
  auto remove_args = std::make_shared<NameArgs>();
  auto* remove = users->add_subcommand("remove", "Remove an account, its sessions and tokens");
  remove->add_option("name", remove_args->name, "Sign-in name")->required();
  remove_args->state.AddTo(remove);
  remove->callback([remove_args, &exit_code] {
    auto store = remove_args->state.Open(exit_code);
    if (!store) return;
    auto removed = store->RemoveAccount(remove_args->name);
    if (!removed) {
      exit_code = Fail(removed.error().message);
    } else if (!*removed) {
      exit_code = Fail(fmt::format("no account named '{}'", remove_args->name));
    } else {
      std::printf("removed %s\n", remove_args->name.c_str());
    }
  });

  auto passwd_args = std::make_shared<NameArgs>();
  auto* passwd = users->add_subcommand("passwd", "Set a new password (stdin); ends its sessions");
  passwd->add_option("name", passwd_args->name, "Sign-in name")->required();
  passwd_args->state.AddTo(passwd);
  passwd->callback([passwd_args, &exit_code] {
    auto store = passwd_args->state.Open(exit_code);
    if (!store) return;
    auto password = ReadPassword(fmt::format("New password for {}: ", passwd_args->name));
    if (!password) {
      exit_code = Fail("no password on standard input");
      return;
    }
    auto changed = auth::ChangePassword(*store, passwd_args->name, *password);
    if (!changed) {
      exit_code = Fail(changed.error().message);
      return;
    }
    std::printf("password changed for %s\n", passwd_args->name.c_str());
  });
}

void RegisterTokens(CLI::App& app, int& exit_code) {
  auto* tokens = app.add_subcommand("tokens", "Manage API tokens (Authorization: Bearer …)");
  tokens->require_subcommand(1);

  struct CreateArgs {
    StateOption state;
    std::string user;
    int expires_days = 0;
  };
  auto create_args = std::make_shared<CreateArgs>();
  auto* create = tokens->add_subcommand("create", "Print a new API token for an account");
  create->add_option("--user", create_args->user, "The account it acts for")->required();
  create->add_option("--expires-days", create_args->expires_days,
                     "Days until it stops working (default: never)");
  create_args->state.AddTo(create);
  create->callback([create_args, &exit_code] {
    auto store = create_args->state.Open(exit_code);
    if (!store) return;
    std::optional<int> days;
    if (create_args->expires_days != 0) days = create_args->expires_days;
    auto issued = auth::IssueToken(*store, create_args->user, days);
    if (!issued) {
      exit_code = Fail(issued.error().message);
      return;
    }
    std::printf("%s\n", issued->token.c_str());
  });

  auto list_state = std::make_shared<StateOption>();
  auto* list = tokens->add_subcommand("list", "List API tokens (never their secret)");
  list_state->AddTo(list);
  list->callback([list_state, &exit_code] {
    auto store = list_state->Open(exit_code);
    if (!store) return;
    auto all = store->ListTokens();
    if (!all) {
      exit_code = Fail(all.error().message);
      return;
    }
    std::printf("%-5s %-24s %-21s %-21s %-21s %s\n", "ID", "USER", "CREATED", "EXPIRES",
                "LAST USED", "STATE");
    for (const auto& t : *all) {
      std::printf("%-5lld %-24s %-21s %-21s %-21s %s\n", static_cast<long long>(t.id),
                  t.account_name.c_str(), FormatTime(t.created_at).c_str(),
                  FormatTime(t.expires_at).c_str(), FormatTime(t.last_used_at).c_str(),
                  t.revoked_at ? "revoked" : "active");
    }
  });

  struct RevokeArgs {
    StateOption state;
    std::int64_t id = 0;
  };
  auto revoke_args = std::make_shared<RevokeArgs>();
  auto* revoke = tokens->add_subcommand("revoke", "Revoke a token by its id (see tokens list)");
  revoke->add_option("id", revoke_args->id, "Token id")->required();
  revoke_args->state.AddTo(revoke);
  revoke->callback([revoke_args, &exit_code] {
    auto store = revoke_args->state.Open(exit_code);
    if (!store) return;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto revoked = store->RevokeToken(revoke_args->id, now);
    if (!revoked) {
      exit_code = Fail(revoked.error().message);
    } else if (!*revoked) {
      exit_code = Fail(fmt::format("no active token with id {}", revoke_args->id));
    } else {
      std::printf("revoked token %lld\n", static_cast<long long>(revoke_args->id));
    }
  });
}

void RegisterAudit(CLI::App& app, int& exit_code) {
  struct AuditArgs {
    StateOption state;
    std::size_t limit = 100;
  };
  auto args = std::make_shared<AuditArgs>();
  auto* audit = app.add_subcommand("audit", "Print the audit log (sign-ins, token use, exports)");
  audit->add_option("--limit", args->limit, "How many of the newest entries")
      ->capture_default_str();
  args->state.AddTo(audit);
  audit->callback([args, &exit_code] {
    auto store = args->state.Open(exit_code);
    if (!store) return;
    auto entries = store->ReadAudit(args->limit);
    if (!entries) {
      exit_code = Fail(entries.error().message);
      return;
    }
    for (const auto& e : *entries) {
      std::printf("%s %-15s %-24s %-20s %s\n", FormatTime(e.at).c_str(), e.event.c_str(),
                  Printable(e.account).c_str(), Printable(e.client).c_str(),
                  Printable(e.detail).c_str());
    }
  });
}

}  // namespace

void RegisterAccountCommands(CLI::App& app, int& exit_code) {
  RegisterUsers(app, exit_code);
  RegisterTokens(app, exit_code);
  RegisterAudit(app, exit_code);
}

}  // namespace keeta::cli
