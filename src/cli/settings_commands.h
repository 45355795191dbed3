// `keeta targets list|set|clear` and `keeta weighting list|set`: an administrator's KPI
// targets and weighting defaults, kept in the settings file (--settings; store/settings.h).
// A running server picks the change up within a second.
#pragma once

#include <CLI/CLI.hpp>

namespace keeta::cli {

// Adds the subcommands to `app`; each runs in its CLI11 callback and leaves its exit code
// in `exit_code` (errors are one line on stderr).
void RegisterSettingsCommands(CLI::App& app, int& exit_code);

}  // namespace keeta::cli
