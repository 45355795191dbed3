// `keeta export --out PATH [filters] [--what kpis|trends|rows] [--granularity G]
// [--weight-by W] [--settings FILE] [--no-rows]`: writes the same bytes as the /export/
// route for the same parameters, the format taken from the extension (.csv, .xlsx, .pdf).
// Registered on the app by constructing it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/filter_flags.h"
#include "store/load_options.h"

namespace keeta::cli {

class ExportCommand {
 public:
  explicit ExportCommand(CLI::App& app);
  bool selected() const { return command_->parsed(); }
  // Runs the export; errors are one line on stderr. Returns the exit code.
  int Run() const;

 private:
  CLI::App* command_;
  std::string data_path_;  // empty: the bundled sample
  LoadOptions load_options_;
  std::string out_path_;
  std::string what_ = "kpis";
  std::string granularity_, weight_by_, settings_path_;
  bool no_rows_ = false;
  FilterFlags filters_;
};

}  // namespace keeta::cli
