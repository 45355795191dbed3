// `keeta users add|list|remove|passwd`, `keeta tokens create|list|revoke` and `keeta audit`:
// account administration over the state file (docs/api.md, "Accounts").
#pragma once

#include <CLI/CLI.hpp>

namespace keeta::cli {

// Adds the subcommands to `app`. Each runs in its CLI11 callback (during parse) and leaves
// its exit code in `exit_code` (0 on success; errors are one line on stderr).
void RegisterAccountCommands(CLI::App& app, int& exit_code);

}  // namespace keeta::cli
