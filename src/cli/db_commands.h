// `keeta import --data FILE.csv --to URL [--replace]` (a CSV file into a new database
// table, with the CSV load report) and `keeta db setup --data URL` (PostgreSQL's change
// trigger, so a running server refreshes at once): docs/api.md "Data sources".
#pragma once

#include <CLI/CLI.hpp>

namespace keeta::cli {

// Adds the subcommands to `app`; each runs in its CLI11 callback and leaves its exit code
// in `exit_code` (errors are one line on stderr, never with a password).
void RegisterDbCommands(CLI::App& app, int& exit_code);

}  // namespace keeta::cli
