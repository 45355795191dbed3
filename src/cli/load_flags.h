// The flags of every command that loads data (serve, kpis, export, import): `--data` and
// the LoadOptions flags `--delimiter`, `--month-first`, `--csat-scale`, `--column`.
// One helper adds them all to a subcommand, so the commands read files the same way.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "store/load_options.h"

namespace keeta::cli {

// Adds the flags to `command`; they write into `data` (empty: the bundled sample) and
// `options`, which must outlive the parse. A bad value is a CLI11 validation error.
void AddLoadFlags(CLI::App& command, std::string& data, LoadOptions& options);

}  // namespace keeta::cli
